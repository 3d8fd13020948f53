import type { Knex } from 'knex';

/**
 * Units (承办单位) become a tree per region (issue 12 item 3): 旗县 → 苏木乡镇/街道 → 嘎查村/社区,
 * 委办局, utilities, property companies. A unit is never deleted — tasks, clocks and the timeline
 * name its code — it is deactivated instead. `public_name` is what a citizen reads on the tracking
 * page (null: the name). The parent is in the same region (the foreign key says so); the code
 * refuses cycles on write. `cases.forwarded` remembers 二级派单 (parent unit → sub-unit), so
 * later tasks the model offers to the parent reach the sub-unit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.text('parent_code');
    t.text('kind');
    t.text('public_name');
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('sort').notNullable().defaultTo(0);
    t.foreign(['region_id', 'parent_code']).references(['region_id', 'code']).inTable('groups');
  });
  await knex.raw('create index groups_parent on groups (region_id, parent_code)');
  await knex.raw("update groups set kind = 'steering' where code in ('dispatchers', 'leaders')");
  await knex.schema.alterTable('cases', (t) => {
    t.jsonb('forwarded').notNullable().defaultTo('{}');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => t.dropColumn('forwarded'));
  await knex.raw('drop index if exists groups_parent');
  await knex.schema.alterTable('groups', (t) => {
    t.dropForeign(['region_id', 'parent_code']);
    t.dropColumn('parent_code');
    t.dropColumn('kind');
    t.dropColumn('public_name');
    t.dropColumn('active');
    t.dropColumn('sort');
  });
}
