import type { Knex } from 'knex';

/**
 * Side-task rules and 三率 definitions per region (issue 12 item 5): one row per region that
 * overrides anything, holding only what it overrides (`rules`, a partial object validated by
 * server/rules/schema.ts). `default`'s row overrides the code's fallback for every region.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('region_rules', (t) => {
    t.text('region_id').primary().references('id').inTable('regions').onDelete('cascade');
    t.jsonb('rules').notNullable().defaultTo('{}');
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.text('updated_by').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('region_rules');
}
