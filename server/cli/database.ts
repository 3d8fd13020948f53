import fs from 'node:fs';
import path from 'node:path';
import { migrationStatus, openDb, type Db } from '../db/index.ts';
import type { Config } from '../config/index.ts';
import { CliError } from './io.ts';

/**
 * The server's database, as the server opens it (DATABASE_URL and
 * BANGNI_DB_SCHEMA, or the embedded PGlite in BANGNI_DATA_DIR). Only `migrate`
 * may create it: every other command refuses to make an empty database or
 * schema where it expected the real one. The embedded database serves one
 * process: while the server runs on it, a command is refused by its lock.
 */
export async function openDatabase(config: Config, opts: { create?: boolean } = {}): Promise<Db> {
  const { url, dataDir, schema } = config.database;
  if (url) {
    const db = await openDb({ url, schema, poolMax: 2, createSchema: opts.create === true });
    if (!opts.create && schema && !(await schemaExists(db, schema))) {
      await db.close();
      throw new CliError(`schema ${schema} does not exist in DATABASE_URL's database: run \`bangni migrate\` first`);
    }
    return db;
  }
  // PGlite keeps PostgreSQL's data directory layout: PG_VERSION marks one that was initialised.
  if (!opts.create && !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new CliError(`no embedded database in ${dataDir}: run \`bangni migrate\` to create it, or set BANGNI_DATA_DIR or DATABASE_URL`);
  }
  return openDb({ dataDir, schema });
}

/** Refuses to work on a schema whose migrations are not all applied: its tables would not be the ones this code reads. */
export async function requireMigrated(db: Db): Promise<void> {
  const { pending } = await migrationStatus(db.knex, db.schema);
  if (pending.length) throw new CliError(`the database lacks ${pending.length} migration(s) (${pending[0]}…): run \`bangni migrate\` first`);
}

/** Opens the database, runs `fn`, closes it whatever happens. */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>, opts: { create?: boolean; migrated?: boolean } = {}): Promise<T> {
  const db = await openDatabase(config, opts);
  try {
    if (opts.migrated !== false) await requireMigrated(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function schemaExists(db: Db, schema: string): Promise<boolean> {
  const row = await db.knex('information_schema.schemata').where({ schema_name: schema }).first('schema_name');
  return Boolean(row);
}
