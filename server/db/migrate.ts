import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Loads the TypeScript migrations by import rather than through knex's file
 * loader, so they run the same under tsx in `npm start`, tests and the bench.
 */
const migrationSource: Knex.MigrationSource<string> = {
  // Always the .ts name (what knex_migrations records), whether this runs from the sources or
  // from the compiled build, where migrations/*.ts became dist/migrations/*.js.
  async getMigrations() {
    const names = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{14}_[\w-]+\.(ts|js)$/.test(f))
      .map((f) => f.replace(/\.js$/, '.ts'));
    return [...new Set(names)].sort();
  },
  getMigrationName: (name) => name,
  async getMigration(name) {
    const file = path.join(MIGRATIONS_DIR, name);
    const js = file.replace(/\.ts$/, '.js');
    return import(pathToFileURL(fs.existsSync(file) ? file : js).href);
  },
};

/**
 * Applies every migration not yet recorded in `<schema>.knex_migrations`; returns their names.
 * Not safe to run from two nodes at once on an empty schema (knex creates its own tables
 * with check-then-create): the app runs it inside `withStartupLock`.
 */
export async function migrateLatest(knex: Knex, schema = 'public'): Promise<string[]> {
  const [, applied] = await knex.migrate.latest({ migrationSource, schemaName: schema });
  return applied as string[];
}

export async function migrateRollbackAll(knex: Knex, schema = 'public'): Promise<void> {
  await knex.migrate.rollback({ migrationSource, schemaName: schema }, true);
}

/**
 * Which migrations a schema has, read without writing: knex's own `migrate.list`
 * creates its tables when they are missing, and `bangni doctor` only looks.
 * `unknown`: recorded in the schema but not in migrations/ (the database is
 * newer than this code, or a migration file was removed).
 */
export async function migrationStatus(knex: Knex, schema = 'public'): Promise<{ applied: string[]; pending: string[]; unknown: string[] }> {
  const all = await migrationSource.getMigrations([]);
  const recorded = (await knex.schema.withSchema(schema).hasTable('knex_migrations'))
    ? ((await knex.withSchema(schema).from('knex_migrations').orderBy('id').pluck('name')) as string[])
    : [];
  const done = new Set(recorded);
  const known = new Set(all);
  return { applied: recorded.filter((n) => known.has(n)), pending: all.filter((n) => !done.has(n)), unknown: recorded.filter((n) => !known.has(n)) };
}

/**
 * Frees knex's migration lock when it is taken (`is_locked = 1`) or malformed (not exactly one
 * row); returns what was wrong, or null when it was fine or does not exist yet.
 *
 * Call it only while holding the start-up lock (`withStartupLock`): every node migrates under
 * that lock, so nobody else can be inside knex's lock and a taken one was left by a process that
 * died holding it (a migration run outside a transaction, or one killed between lock and free).
 * Two rows come from knex's table creation racing (check, then insert the lock row) on nodes
 * that started without this lock: knex's `update … where is_locked = 0` then counts 2 and
 * reports "already locked" on every later start.
 */
export async function freeStaleMigrationLock(knex: Knex, schema = 'public'): Promise<string | null> {
  if (!(await knex.schema.withSchema(schema).hasTable('knex_migrations_lock'))) return null;
  const rows = (await knex.withSchema(schema).from('knex_migrations_lock').select('is_locked')) as Array<{ is_locked: number }>;
  const taken = rows.filter((r) => Number(r.is_locked) !== 0).length;
  // No row yet: knex inserts the first one itself.
  if (rows.length <= 1 && taken === 0) return null;
  // knex's own remedy (`knex migrate:unlock`): delete the rows, insert one free row.
  await knex.migrate.forceFreeMigrationsLock({ migrationSource, schemaName: schema });
  return rows.length === 1 ? 'it was taken (is_locked = 1)' : `it had ${rows.length} rows (${taken} taken), not one`;
}
