import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { openDb, migrateLatest, pgliteExtensions, type Db } from '../../server/db/index.ts';

// A promise, so two test files starting at once still share one PGlite.
let shared: Promise<PGlite> | null = null;

export const onPostgres = () => Boolean(process.env.DATABASE_URL);

/**
 * A real database of its own for one test file: a fresh schema on the
 * PostgreSQL in DATABASE_URL, or on the run's one in-memory PGlite (a new PGlite
 * costs seconds and much memory; a schema costs milliseconds). Migrated.
 */
export async function freshDb(opts: { poolMax?: number; migrate?: boolean } = {}): Promise<Db & { drop(): Promise<void> }> {
  const schema = `t_${randomBytes(5).toString('hex')}`;
  let db: Db;
  if (onPostgres()) {
    db = await openDb({ url: process.env.DATABASE_URL, schema, poolMax: opts.poolMax ?? 10 });
  } else {
    shared ??= pgliteExtensions().then((extensions) => new PGlite({ extensions }));
    db = await openDb({ pglite: await shared, schema });
  }
  if (opts.migrate !== false) await migrateLatest(db.knex, schema);
  return Object.assign(db, {
    async drop() {
      await db.knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
      await db.close();
    },
  });
}

/** A second connection pool on the same schema (a second "node"); PostgreSQL only. */
export async function sameDb(db: Db, poolMax = 10): Promise<Db> {
  return openDb({ url: process.env.DATABASE_URL, schema: db.schema, poolMax });
}
