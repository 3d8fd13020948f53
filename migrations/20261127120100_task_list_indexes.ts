import type { Knex } from 'knex';

/**
 * Indexes for the task list filters (issue 3: fast with 100,000 open tasks).
 * All partial on open tasks: the list people work from; closed ones are history.
 * Text search uses a trigram index only where pg_trgm is already installed (it
 * needs superuser rights, and the embedded PGlite does not load it by default);
 * without it the ILIKE search scans the region's open tasks' cases.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index tasks_open_assignee on tasks (assignee, due_at) where status = 'open' and assignee is not null");
  await knex.raw("create index tasks_open_region_created on tasks (region_id, created_at) where status = 'open'");
  await knex.raw("create index tasks_open_region_priority on tasks (region_id, priority desc, due_at) where status = 'open'");
  await knex.raw('create index cases_region_category on cases (region_id, category)');
  await knex.raw('create index cases_region_urgency on cases (region_id, urgency)');
  const trgm = await knex.raw("select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'");
  const schema = trgm.rows[0]?.schema as string | undefined;
  if (schema) {
    await knex.raw(`create index cases_title_trgm on cases using gin (title ${JSON.stringify(schema)}.gin_trgm_ops)`);
    await knex.raw(`create index cases_description_trgm on cases using gin (description ${JSON.stringify(schema)}.gin_trgm_ops)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['cases_description_trgm', 'cases_title_trgm', 'cases_region_urgency', 'cases_region_category', 'tasks_open_region_priority', 'tasks_open_region_created', 'tasks_open_assignee']) {
    await knex.raw('drop index if exists ??', [index]);
  }
}
