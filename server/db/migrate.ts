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

export async function migrateLatest(knex: Knex, schema = 'public'): Promise<string[]> {
  const [, applied] = await knex.migrate.latest({ migrationSource, schemaName: schema });
  return applied as string[];
}

export async function migrateRollbackAll(knex: Knex, schema = 'public'): Promise<void> {
  await knex.migrate.rollback({ migrationSource, schemaName: schema }, true);
}
