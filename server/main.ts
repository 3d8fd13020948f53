import path from 'node:path';
import { createApp, REPO_ROOT } from './app.ts';
import { openDb } from './db/index.ts';
import { systemClock } from './clock/index.ts';
import { loadSecretKey } from './crypto/index.ts';
import { loadAnchorKey, loadAuditKey } from './audit/index.ts';
import { DEFAULT_TIMER_POLICY } from './engine/index.ts';
import { limitsFromEnv } from './throttle/index.ts';

/** Reads the environment, builds the app, listens. The only place that does. */
async function main(): Promise<void> {
  const env = process.env;
  const demo = env.BANGNI_DEMO !== '0';
  const url = env.DATABASE_URL || undefined;
  // Before the database opens: a production start without a real key is refused at once.
  const secretKey = loadSecretKey(env, { demo, warn: (m) => console.warn(m) });
  // The event chain's HMAC key and the anchors' signing key: never in the database (README "Audit key and anchors").
  const auditKey = loadAuditKey(env, { demo, warn: (m) => console.warn(m) });
  const anchorKey = loadAnchorKey(env, { demo, warn: (m) => console.warn(m) });
  // Before the database opens too: a malformed limit stops the start at once, with the variable's name.
  // BANGNI_LIMIT_*: login lockouts and request limits (README "Limits"); BANGNI_THROTTLE=off for benchmarks only.
  const throttle = env.BANGNI_THROTTLE === 'off' ? false : limitsFromEnv(env);
  const trustProxy = trustProxyEnv(env.BANGNI_TRUST_PROXY);
  const dataDir = path.resolve(env.BANGNI_DATA_DIR ?? path.join(REPO_ROOT, 'data'));
  // BANGNI_DB_SCHEMA: several instances (the benchmark, scale-out tests) on one database, each in its own schema.
  const schema = env.BANGNI_DB_SCHEMA || undefined;
  const db = await openDb(url ? { url, schema, poolMax: Number(env.BANGNI_POOL_MAX ?? 10) } : { dataDir, schema });
  // DATABASE_READ_URL: a streaming replica for task lists, case lists and reports (same schema; never migrated from here).
  const readUrl = env.DATABASE_READ_URL || undefined;
  if (readUrl && !url) throw new Error('DATABASE_READ_URL needs DATABASE_URL: a replica of the embedded PGlite does not exist');
  const readDb = readUrl ? await openDb({ url: readUrl, schema, poolMax: Number(env.BANGNI_READ_POOL_MAX ?? env.BANGNI_POOL_MAX ?? 10), createSchema: false }) : null;
  const engine = {
    workers: intEnv(env, 'BANGNI_ENGINE_WORKERS', 1, 16),
    stepTimeoutMs: intEnv(env, 'BANGNI_STEP_TIMEOUT_MS', 100, 600_000),
    heapMb: intEnv(env, 'BANGNI_STEP_HEAP_MB', 32, 8192),
    timerPolicy: { ...DEFAULT_TIMER_POLICY, minPeriodMs: intEnv(env, 'BANGNI_TIMER_MIN_MS', 1, 86_400_000) ?? DEFAULT_TIMER_POLICY.minPeriodMs },
  };
  const caseLimits = { timersPerHour: intEnv(env, 'BANGNI_TIMERS_PER_HOUR', 1, 100_000), wakeFailures: intEnv(env, 'BANGNI_WAKE_FAILURES', 1, 100) };
  const app = createApp({
    db, readDb, clock: systemClock, demo, node: env.BANGNI_NODE, secretKey, auditKey, anchorKey, adminPassword: env.BANGNI_ADMIN_PASSWORD || undefined, retentionDays: retentionDays(env.BANGNI_RETENTION_DAYS),
    engine: withoutUndefined(engine), caseLimits: withoutUndefined(caseLimits), throttle, trustProxy,
  });
  // Start-up runs no case step; the scheduler starts once the server listens, so a bad case can never keep the node down.
  await app.start();
  const port = Number(env.PORT ?? 3000);
  const server = app.express.listen(port, () => {
    console.log(`Bangni listening on http://localhost:${port} (database: ${url ? 'PostgreSQL' : `embedded PGlite in ${dataDir}`}${readDb ? ', reads from the replica in DATABASE_READ_URL' : ''})`);
    app.ctx.runtime.runner.warm().catch(() => undefined);
    app.startBackground().catch((err) => console.error(`background work did not start: ${(err as Error).message}`));
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

/** A whole number in [min, max] from the environment, or undefined when unset; anything else stops the start with the variable's name. */
function intEnv(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

function withoutUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * BANGNI_TRUST_PROXY, as express's `trust proxy`: unset or `false` (default: the
 * socket's address, X-Forwarded-For ignored), `true` (trust every hop), a number
 * of hops, or addresses/subnets/`loopback` separated by commas.
 */
function trustProxyEnv(value: string | undefined): boolean | number | string {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
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
