import type { Knex } from 'knex';

/**
 * The durable core: regions, deployed definitions, cases with their engine
 * state, user tasks, the hash-chained case events, and timer firings.
 * Every row carries region_id and the keys lead with it (tenant and shard key).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('case_prefix').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('definitions', (t) => {
    t.bigIncrements('id').primary();
    t.text('region_id').notNullable().references('regions.id');
    t.text('key').notNullable();
    t.integer('version').notNullable();
    t.text('name');
    t.text('xml').notNullable();
    t.text('sha256').notNullable();
    t.text('deployed_by').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable();
    t.text('origin').notNullable().defaultTo('api'); // api | file
    t.unique(['region_id', 'key', 'version']);
  });

  await knex.schema.createTable('cases', (t) => {
    t.bigIncrements('id').primary();
    t.text('region_id').notNullable().references('regions.id');
    t.text('case_no').notNullable().unique();
    t.bigInteger('definition_id').notNullable().references('definitions.id');
    t.text('process_key').notNullable();
    t.text('status').notNullable().defaultTo('open'); // open | closed | incident
    t.text('category');
    t.text('urgency').notNullable().defaultTo('normal');
    t.text('title').notNullable();
    t.text('description');
    t.jsonb('location');
    t.text('channel');
    t.text('community');
    t.jsonb('variables').notNullable().defaultTo('{}');
    t.jsonb('engine_state');
    t.integer('state_version').notNullable().defaultTo(0);
    t.timestamp('next_wake_at', { useTz: true });
    t.jsonb('incident');
    t.text('end_element_id');
    t.integer('event_seq').notNullable().defaultTo(0);
    t.text('event_hash');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
  });
  await knex.raw('create index cases_region_status_created on cases (region_id, status, created_at desc)');
  // The scheduler's claim: only open cases with a wake-up are ever scanned.
  await knex.raw("create index cases_due_wake on cases (next_wake_at) where status = 'open' and next_wake_at is not null");

  await knex.schema.createTable('tasks', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('region_id').notNullable().references('regions.id');
    t.text('execution_id').notNullable();
    t.text('element_id').notNullable();
    t.text('name');
    t.specificType('candidate_groups', 'text[]').notNullable().defaultTo('{}');
    t.specificType('candidate_users', 'text[]').notNullable().defaultTo('{}');
    t.text('assignee');
    t.text('status').notNullable().defaultTo('open'); // open | completed | cancelled
    t.timestamp('due_at', { useTz: true });
    t.timestamp('follow_up_at', { useTz: true });
    t.integer('priority');
    t.jsonb('form');
    t.jsonb('outcome');
    t.text('completed_by');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    // A resumed engine re-emits the wait of every waiting task: never a second row.
    t.unique(['case_id', 'execution_id']);
  });
  await knex.raw("create index tasks_open_region_due on tasks (region_id, due_at) where status = 'open'");
  await knex.raw("create index tasks_open_groups on tasks using gin (candidate_groups) where status = 'open'");
  await knex.raw('create index tasks_case on tasks (case_id)');

  await knex.schema.createTable('case_events', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('region_id').notNullable();
    t.integer('seq').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('actor').notNullable();
    t.text('type').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('prev_hash');
    t.text('hash').notNullable();
    t.unique(['case_id', 'seq']);
  });

  // One row per timer expiry that took effect: the primary key makes a second
  // firing of the same expiry impossible, whatever the schedulers do.
  await knex.schema.createTable('timer_firings', (t) => {
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('execution_id').notNullable();
    t.timestamp('expire_at', { useTz: true }).notNullable();
    t.text('element_id').notNullable();
    t.text('region_id').notNullable();
    t.timestamp('fired_at', { useTz: true }).notNullable();
    t.text('node').notNullable();
    t.primary(['case_id', 'execution_id', 'expire_at']);
  });

  await knex.raw('create sequence case_no_seq');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop sequence if exists case_no_seq');
  for (const table of ['timer_firings', 'case_events', 'tasks', 'cases', 'definitions', 'regions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
