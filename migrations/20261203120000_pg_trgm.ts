import type { Knex } from 'knex';

/**
 * pg_trgm for duplicate suggestions (server/duplicates): `similarity()` over the
 * text of a bounded set of candidate cases. Created in `public` where it can be:
 * a deployment (or a test) whose own schema is later dropped must not take the
 * extension of the whole database with it. Where it cannot be (a PostgreSQL
 * without contrib, a role without the right, a PGlite built without it) the
 * exception block swallows the error — it is its own savepoint, so the migration's
 * transaction goes on — and the suggestions fall back to character bigrams.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    do $$
    begin
      if not exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create extension pg_trgm with schema public;
      end if;
    exception when others then
      raise notice 'pg_trgm not available (%); duplicate suggestions use bigrams', sqlerrm;
    end
    $$`);
}

/** The extension may serve other schemas of the same database: it stays. */
export async function down(): Promise<void> {}
