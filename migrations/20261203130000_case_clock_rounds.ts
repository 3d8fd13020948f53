import type { Knex } from 'knex';

/**
 * 重办 (issue 13): a reopened case gets new response and resolution clocks
 * from the reopen time, and the first round's clocks stay, stopped, with their
 * breach records (sla_breaches is unique per clock). So a case may hold several
 * clocks of one kind, but only one of each kind *running*: the index that kept
 * one per case now keeps one running per case.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index sla_clocks_case_kind');
  await knex.raw("create unique index sla_clocks_case_kind on sla_clocks (case_id, kind) where kind <> 'task' and stopped_at is null");
}

export async function down(knex: Knex): Promise<void> {
  // Back to one clock per kind: the earlier rounds' clocks go, and their breach records with them (cascade).
  await knex.raw("delete from sla_clocks s where s.kind <> 'task' and exists (select 1 from sla_clocks n where n.case_id = s.case_id and n.kind = s.kind and n.id > s.id)");
  await knex.raw('drop index sla_clocks_case_kind');
  await knex.raw("create unique index sla_clocks_case_kind on sla_clocks (case_id, kind) where kind <> 'task'");
}
