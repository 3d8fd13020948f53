import pg from 'pg';
import type { Db } from './open.ts';
import { freeStaleMigrationLock } from './migrate.ts';

/**
 * First key of Bangni's start-up advisory lock ("bang" in ASCII); the second is
 * `hashtext(schema)`. The two-key form lives in its own key space, apart from any
 * one-bigint advisory lock. A hash collision between two schemas only serialises
 * their start-ups, never lets two nodes of one schema in together.
 */
export const STARTUP_LOCK_CLASS = 0x62616e67;

/**
 * Runs a node's start-up preparation (migrations, regions, demo users, the admin
 * account, process files) while no other node prepares the same schema.
 *
 * On PostgreSQL it holds the session-level `pg_advisory_lock(STARTUP_LOCK_CLASS,
 * hashtext(schema))` on one dedicated connection, outside the pool: the work runs on
 * the pool, which may be a single connection (BANGNI_POOL_MAX=1). The lock is
 * released in `finally`; a killed node's lock goes with its session, so it never
 * outlives the process as knex's row lock can. Because every node migrates inside
 * it, a knex migration lock found taken is stale and is freed here, with a log line.
 *
 * On embedded PGlite there is one connection in one process (the data directory
 * lock refuses a second): nobody can race, and an advisory lock on the same session
 * would only re-enter, so none is taken; a stale knex lock is freed all the same.
 * Concurrent start-ups of two apps on one PGlite schema in one process are not supported.
 */
export async function withStartupLock<T>(db: Db, fn: () => Promise<T>, log: (msg: string) => void = () => undefined): Promise<T> {
  if (db.kind !== 'pg') {
    await freeStale(db, log, 'the embedded database is open in this process only');
    return fn();
  }
  const client = new pg.Client({ ...connectionOf(db), application_name: `bangni start-up ${db.schema}` });
  // Without a listener a dropped connection would crash the process. The lock dies
  // with it; the migrations run in one transaction, so a node that overlaps at worst
  // fails its own start on a duplicate and restarts.
  let lost = false;
  client.on('error', (err) => {
    lost = true;
    log(`start-up lock for schema ${db.schema}: its connection failed (${err.message}); continuing without it`);
  });
  await client.connect();
  try {
    const key = [STARTUP_LOCK_CLASS, db.schema];
    const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', key);
    if (!got.rows[0].ok) {
      log(`start-up: another node is preparing schema ${db.schema}; waiting for it`);
      await client.query('select pg_advisory_lock($1, hashtext($2))', key);
    }
    await freeStale(db, log, 'this node holds the start-up lock, so no other node is migrating');
    return await fn();
  } finally {
    // Closing the session releases the lock too; the explicit unlock just says so sooner.
    if (!lost) await client.query('select pg_advisory_unlock($1, hashtext($2))', [STARTUP_LOCK_CLASS, db.schema]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

async function freeStale(db: Db, log: (msg: string) => void, why: string): Promise<void> {
  const what = await freeStaleMigrationLock(db.knex, db.schema);
  if (what) log(`start-up: cleared a stale knex migration lock in schema ${db.schema} (${what}): ${why}`);
}

/** The pg connection settings knex was opened with (open.ts passes the URL). */
function connectionOf(db: Db): pg.ClientConfig {
  const conn = (db.knex.client as { config: { connection?: unknown } }).config.connection;
  if (typeof conn === 'string') return { connectionString: conn };
  if (conn && typeof conn === 'object') return conn as pg.ClientConfig;
  throw new Error('withStartupLock: the knex pool has no connection settings to open the lock connection with');
}
