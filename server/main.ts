import path from 'node:path';
import { createApp, REPO_ROOT } from './app.ts';
import { openDb } from './db/index.ts';
import { systemClock } from './clock/index.ts';
import { loadSecretKey } from './crypto/index.ts';

/** Reads the environment, builds the app, listens. The only place that does. */
async function main(): Promise<void> {
  const env = process.env;
  const demo = env.BANGNI_DEMO !== '0';
  const url = env.DATABASE_URL || undefined;
  // Before the database opens: a production start without a real key is refused at once.
  const secretKey = loadSecretKey(env, { demo, warn: (m) => console.warn(m) });
  const dataDir = path.resolve(env.BANGNI_DATA_DIR ?? path.join(REPO_ROOT, 'data'));
  // BANGNI_DB_SCHEMA: several instances (the benchmark, scale-out tests) on one database, each in its own schema.
  const schema = env.BANGNI_DB_SCHEMA || undefined;
  const db = await openDb(url ? { url, schema, poolMax: Number(env.BANGNI_POOL_MAX ?? 10) } : { dataDir, schema });
  // DATABASE_READ_URL: a streaming replica for task lists, case lists and reports (same schema; never migrated from here).
  const readUrl = env.DATABASE_READ_URL || undefined;
  if (readUrl && !url) throw new Error('DATABASE_READ_URL needs DATABASE_URL: a replica of the embedded PGlite does not exist');
  const readDb = readUrl ? await openDb({ url: readUrl, schema, poolMax: Number(env.BANGNI_READ_POOL_MAX ?? env.BANGNI_POOL_MAX ?? 10), createSchema: false }) : null;
  const app = createApp({ db, readDb, clock: systemClock, demo, node: env.BANGNI_NODE, secretKey, adminPassword: env.BANGNI_ADMIN_PASSWORD || undefined, retentionDays: retentionDays(env.BANGNI_RETENTION_DAYS) });
  await app.start({ background: true });
  const port = Number(env.PORT ?? 3000);
  const server = app.express.listen(port, () => {
    console.log(`Bangni listening on http://localhost:${port} (database: ${url ? 'PostgreSQL' : `embedded PGlite in ${dataDir}`}${readDb ? ', reads from the replica in DATABASE_READ_URL' : ''})`);
  });
  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    server.close();
    await app.stop();
    await readDb?.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** BANGNI_RETENTION_DAYS: a whole number of days (at least 30), or the default. */
function retentionDays(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 30) throw new Error(`BANGNI_RETENTION_DAYS must be a whole number of days, at least 30 (got "${value}")`);
  return n;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
