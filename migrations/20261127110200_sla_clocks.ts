import type { Knex } from 'knex';

/**
 * SLA clocks and what they record. A clock is a row (task clock from the
 * task's due time; case clocks `response` and `resolution` from sla_limits);
 * the sweep and the step hook stop, warn and breach it. Each warning (催办) and
 * breach is a row of sla_breaches made unique by (clock, kind): whatever the
 * number of server processes, `INSERT … ON CONFLICT DO NOTHING` writes it once.
 * job_ticks makes each periodic tick run on one node only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sla_clocks', (t) => {
    t.bigIncrements('id').primary();
    t.text('region_id').notNullable().references('regions.id');
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.bigInteger('task_id').references('tasks.id').onDelete('CASCADE');
    t.text('kind').notNullable(); // task | response | resolution
    t.text('element_id');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('warn_at', { useTz: true }).notNullable();
    t.decimal('warn_share', 4, 3).notNullable();
    t.boolean('working_time').notNullable().defaultTo(false);
    // Due time computed in a year with no loaded calendar (weekdays only): an alert, not a fact.
    t.boolean('provisional').notNullable().defaultTo(false);
    t.text('limit_spec');
    t.timestamp('original_due_at', { useTz: true }).notNullable();
    t.integer('extensions').notNullable().defaultTo(0);
    t.timestamp('warned_at', { useTz: true });
    t.timestamp('breached_at', { useTz: true });
    t.timestamp('stopped_at', { useTz: true });
    t.text('stop_reason'); // completed | cancelled | case-closed | responded | answered
  });
  // One clock per task, one per case and kind.
  await knex.raw('create unique index sla_clocks_task on sla_clocks (task_id) where task_id is not null');
  await knex.raw("create unique index sla_clocks_case_kind on sla_clocks (case_id, kind) where kind <> 'task'");
  // The sweep reads only running clocks whose warning or breach is next.
  await knex.raw('create index sla_clocks_running_warn on sla_clocks (warn_at) where stopped_at is null and warned_at is null and breached_at is null');
  await knex.raw('create index sla_clocks_running_due on sla_clocks (due_at) where stopped_at is null and breached_at is null');
  await knex.raw('create index sla_clocks_case on sla_clocks (case_id)');
  await knex.raw('create index sla_clocks_provisional on sla_clocks (region_id) where provisional');

  await knex.schema.createTable('sla_breaches', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('clock_id').notNullable().references('sla_clocks.id').onDelete('CASCADE');
    t.text('kind').notNullable(); // warning (催办) | breach (超期)
    t.text('region_id').notNullable();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('case_no').notNullable();
    t.bigInteger('task_id');
    t.text('clock_kind').notNullable();
    t.text('element_id');
    t.text('task_name');
    t.text('category');
    t.text('urgency');
    t.text('responsible_group');
    t.text('responsible_user');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    // When the task or case actually finished (null while it is still open).
    t.timestamp('ended_at', { useTz: true });
    t.boolean('provisional').notNullable().defaultTo(false);
    t.text('node').notNullable();
    t.unique(['clock_id', 'kind']);
  });
  await knex.raw('create index sla_breaches_region_due on sla_breaches (region_id, kind, due_at)');

  await knex.schema.createTable('job_ticks', (t) => {
    t.text('job').notNullable();
    t.timestamp('tick', { useTz: true }).notNullable();
    t.text('node').notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable();
    t.primary(['job', 'tick']);
  });

  await knex.schema.alterTable('cases', (t) => {
    t.boolean('sla_provisional').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('sla_provisional');
  });
  await knex.schema.dropTableIfExists('job_ticks');
  await knex.schema.dropTableIfExists('sla_breaches');
  await knex.schema.dropTableIfExists('sla_clocks');
}
