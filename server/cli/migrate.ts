import { migrateLatest, withStartupLock } from '../db/index.ts';
import { ensureRegions } from '../regions/index.ts';
import type { Config } from '../config/index.ts';
import { withDatabase } from './database.ts';
import { EXIT, type CliIo } from './io.ts';

/**
 * `bangni migrate`: applies the pending migrations and adds the known regions,
 * as a starting server does — under the same start-up lock, so it is safe
 * while other nodes start on the same database. Creates the schema (or the
 * embedded database) when it does not exist yet.
 */
export async function migrate(config: Config, io: CliIo): Promise<number> {
  const applied = await withDatabase(config, (db) => withStartupLock(db, async () => {
    const names = await migrateLatest(db.knex, db.schema);
    await ensureRegions(db.knex, { demo: config.demo });
    return names;
  }, io.err), { create: true, migrated: false });
  if (applied.length) {
    io.out(`applied ${applied.length} migration(s):`);
    for (const name of applied) io.out(`  ${name}`);
  } else io.out('migrations already current: nothing to apply');
  return EXIT.OK;
}
