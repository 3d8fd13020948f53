import type { Knex } from 'knex';

/**
 * Incidents (issue 10): an engine step that ran out of its time or heap budget,
 * or failed in the engine, is rolled back and recorded here — element, reason,
 * time — so staff see it, retry it after a fix, or close the case with a reason
 * the citizen sees. A case with an open incident is not woken again.
 * `cases.wake_failures` counts transient failures of a case's timer step
 * (a write error, a lost worker) for the scheduler's backoff before it becomes an incident.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('incidents', (t) => {
    t.bigIncrements('id');
    t.text('region_id').notNullable().references('regions.id');
    t.bigInteger('case_id').notNullable().references('cases.id');
    t.text('element_id');
    /** What was being done: intake, complete task 12, fire timers, retry, … */
    t.text('action').notNullable();
    /** Stable code: step_timeout, step_memory, engine_error, timer_rejected, timer_rate, state_too_large, … */
    t.text('reason').notNullable();
    t.text('message').notNullable();
    t.text('node');
    t.text('status').notNullable().defaultTo('open'); // open | retried | resolved
    t.integer('attempts').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.text('closed_by');
    t.text('resolution');
  });
  await knex.raw("create index incidents_region_open on incidents (region_id, created_at desc) where status = 'open'");
  await knex.raw('create index incidents_case on incidents (case_id, created_at desc)');
  await knex.schema.alterTable('cases', (t) => {
    t.integer('wake_failures').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('wake_failures');
  });
  await knex.schema.dropTable('incidents');
}
