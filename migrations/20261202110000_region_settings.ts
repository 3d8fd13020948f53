import type { Knex } from 'knex';

/**
 * Regions become data an admin edits (issue 12): the city a 旗县区 belongs to and its time
 * zone (case numbers and date filters follow it); a case-number prefix names one region only.
 * `admin_changes` records every change an admin makes to a region's set-up — who, when, what
 * it was before and after — beside the case events, which stay about cases.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('regions', (t) => {
    t.text('parent_city');
    t.text('time_zone').notNullable().defaultTo('Asia/Shanghai');
    t.timestamp('updated_at', { useTz: true });
  });
  await knex.raw('create unique index regions_case_prefix on regions (case_prefix)');
  const cities: Record<string, string> = {
    saihan: '呼和浩特市', yuquan: '呼和浩特市', hongshan: '赤峰市', siziwang: '乌兰察布市',
    dongsheng: '鄂尔多斯市', naiman: '通辽市', haibowan: '乌海市', zhalaite: '兴安盟',
  };
  for (const [id, city] of Object.entries(cities)) await knex('regions').where({ id }).update({ parent_city: city });

  await knex.schema.createTable('admin_changes', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('actor').notNullable();
    t.text('region_id');
    t.text('entity').notNullable(); // region | group | user | sla_limits | calendar | catalogue …
    t.text('key').notNullable(); // the changed thing's id within the entity
    t.jsonb('before');
    t.jsonb('after');
  });
  await knex.raw('create index admin_changes_region_at on admin_changes (region_id, at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_changes');
  await knex.raw('drop index if exists regions_case_prefix');
  await knex.schema.alterTable('regions', (t) => {
    t.dropColumn('parent_city');
    t.dropColumn('time_zone');
    t.dropColumn('updated_at');
  });
}
