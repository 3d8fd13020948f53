import type { Knex } from 'knex';

/**
 * 督办/催办 (issue 13): the latest urge on a task — `{kind, note, dueAt, by, at}` — and
 * how many it has had. The handling unit sees it in its task list without reading the
 * timeline; the timeline keeps every urge (`case.supervised`, `case.reminded`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.jsonb('urge').nullable();
    t.integer('urge_count').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('urge_count');
    t.dropColumn('urge');
  });
}
