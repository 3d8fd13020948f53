import type { Knex } from 'knex';

/**
 * Throttling counters (issue 11), shared by every node on one PostgreSQL:
 * rate-limiter-flexible's RateLimiterPostgres reads and writes this table
 * (`tableCreated: true`, so it never runs its own CREATE TABLE at request time).
 * Its layout is the library's — `key`, `points`, `expire` (ms since the epoch,
 * by the library's own clock, used only to forget rows) — except `points`,
 * a bigint here: a lockout keeps its end time in it (server/throttle/lockout.ts).
 * Keys are keyed hashes (server/throttle): no address, username or phone in clear.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 255).primary();
    t.bigInteger('points').notNullable().defaultTo(0);
    t.bigInteger('expire');
  });
  // The daily purge deletes by expiry.
  await knex.raw('create index rate_limits_expire on rate_limits (expire)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
}
