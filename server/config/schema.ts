/**
 * Every environment variable Bangni reads, in one zod schema: its form, its
 * default, and what it becomes. `server/main.ts` and the admin CLI read the
 * environment through this schema only (README "Configuration").
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { loadSecretKey } from '../crypto/index.ts';
import { loadAnchorKey, loadAuditKey } from '../audit/index.ts';
import { DEFAULT_LIMITS, LIMIT_ENV, parseRule, type ThrottleLimits } from '../throttle/index.ts';
import { DEFAULT_TIMER_POLICY } from '../engine/index.ts';
import type { PoolOptions } from '../sandbox/index.ts';
import type { CaseLimits } from '../cases/index.ts';
import { LOG_LEVELS, type LogLevel } from '../log/index.ts';
import { flag, parsedBy, postgresUrl, text, trustProxy, wholeNumber } from './fields.ts';

/**
 * The checkout (the nearest folder above this file with a package.json), for
 * the default `./data`: from the sources (server/config/) and the compiled
 * build (dist/server/config/) alike. The same walk as app.ts's REPO_ROOT,
 * repeated so reading the configuration does not load the whole app.
 */
const CHECKOUT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/** The same minimum `bootstrapAdmin` enforces, checked before the database opens. */
export const ADMIN_PASSWORD_MIN = 12;

/** Given keys are checked for form (and for being a published development key) whatever the mode. */
const quiet = { demo: true, warn: () => undefined };

const adminPassword = text().transform((v, ctx) => {
  if (v === undefined) return undefined;
  // The demo accounts' password, named as such: "too short" would hide why it is refused.
  if (v.toLowerCase() === 'demo') ctx.addIssue({ code: 'custom', message: 'is the demo accounts\' password "demo": choose one of your own' });
  else if (v.length < ADMIN_PASSWORD_MIN) ctx.addIssue({ code: 'custom', message: `must have at least ${ADMIN_PASSWORD_MIN} characters` });
  else return v;
  return z.NEVER;
});

const limitFields = Object.fromEntries(
  (Object.entries(LIMIT_ENV) as Array<[keyof ThrottleLimits, string]>).map(([rule, name]) => [name, parsedBy((v) => parseRule(name, v, DEFAULT_LIMITS[rule]))]),
) as Record<string, ReturnType<typeof parsedBy<ThrottleLimits[keyof ThrottleLimits]>>>;

/** BANGNI_DEMO alone: the production rules are checked even when another variable is malformed. */
export const demoFlag = flag(true);

/** The variables and their raw forms; `CONFIG_VARIABLES` lists them for the unknown-name warning. */
const variables = {
  BANGNI_DEMO: demoFlag,
  PORT: wholeNumber(0, 65_535, 3000),
  DATABASE_URL: postgresUrl(),
  DATABASE_READ_URL: postgresUrl(),
  BANGNI_DATA_DIR: text(),
  BANGNI_DB_SCHEMA: text({ pattern: /^[a-z_][a-z0-9_]{0,62}$/, describe: 'a schema name: lower-case letters, digits and _, at most 63, not starting with a digit' }),
  BANGNI_POOL_MAX: wholeNumber(1, 1000, 10),
  BANGNI_READ_POOL_MAX: wholeNumber(1, 1000, undefined),
  BANGNI_LOG_LEVEL: text({ pattern: new RegExp(`^(${LOG_LEVELS.join('|')})$`), describe: `one of ${LOG_LEVELS.join(', ')}` }),
  BANGNI_METRICS_TOKEN: text(),
  BANGNI_NODE: text({ pattern: /^[\w.:@-]{1,100}$/, describe: 'a name of letters, digits and . : @ _ -, at most 100' }),
  BANGNI_ENGINE_WORKERS: wholeNumber(1, 16, undefined),
  BANGNI_STEP_TIMEOUT_MS: wholeNumber(100, 600_000, undefined),
  BANGNI_STEP_HEAP_MB: wholeNumber(32, 8192, undefined),
  BANGNI_TIMER_MIN_MS: wholeNumber(1, 86_400_000, undefined),
  BANGNI_TIMERS_PER_HOUR: wholeNumber(1, 100_000, undefined),
  BANGNI_WAKE_FAILURES: wholeNumber(1, 100, undefined),
  BANGNI_RETENTION_DAYS: wholeNumber(30, 36_500, undefined),
  BANGNI_TRUST_PROXY: trustProxy(),
  BANGNI_THROTTLE: flag(true),
  ...limitFields,
  BANGNI_SECRET_KEY: parsedBy((v) => loadSecretKey({ BANGNI_SECRET_KEY: v }, quiet)),
  BANGNI_AUDIT_KEY: parsedBy((v) => loadAuditKey({ BANGNI_AUDIT_KEY: v }, quiet)),
  BANGNI_ANCHOR_KEY: parsedBy((v) => loadAnchorKey({ BANGNI_ANCHOR_KEY: v }, quiet)),
  BANGNI_ADMIN_PASSWORD: adminPassword,
  BANGNI_SHUTDOWN_MS: wholeNumber(100, 600_000, 10_000),
  BANGNI_NOTIFY_TRANSPORT: text({ pattern: /^(log|http)$/, describe: 'log or http' }),
  BANGNI_NOTIFY_URL: text({ pattern: /^https?:\/\/\S+$/, describe: 'an http:// or https:// address' }),
  BANGNI_NOTIFY_TOKEN: text(),
  BANGNI_PUBLIC_URL: text({ pattern: /^https?:\/\/\S+$/, describe: 'an http:// or https:// address' }),
};

export const CONFIG_VARIABLES: readonly string[] = Object.keys(variables);

/** What the environment says, read: the shape `main.ts` builds the app from. */
export interface Config {
  /** Demo mode: demo users, and the public development keys when none is given. */
  demo: boolean;
  port: number;
  database: {
    /** PostgreSQL; absent: the embedded PGlite in `dataDir`. */
    url?: string;
    /** A streaming replica for reads (needs `url`). */
    readUrl?: string;
    dataDir: string;
    schema?: string;
    poolMax: number;
    readPoolMax: number;
  };
  /** This process's name in logs, timer records and locks; main.ts defaults it to host:pid. */
  node?: string;
  logLevel: LogLevel;
  /** Bearer token of `GET /metrics`; absent: it answers loopback only. */
  metricsToken?: string;
  engine: PoolOptions;
  caseLimits: Partial<CaseLimits>;
  retentionDays?: number;
  trustProxy: boolean | number | string;
  /** Limits over the defaults; `false`: throttling off (benchmarks only). */
  throttle: Partial<ThrottleLimits> | false;
  /** Absent only when not given; `load.ts` fills in the development keys in demo mode and refuses their absence otherwise. */
  secretKey?: Buffer;
  auditKey?: Buffer;
  anchorKey?: KeyObject;
  adminPassword?: string;
  /** How long a graceful shutdown may take before it turns forceful. */
  shutdownMs: number;
  /** Citizens' SMS (README "Citizen notifications"): `log` writes a line instead of sending; `http` posts to an SMS gateway. */
  notify: { transport: 'log' | 'http'; url?: string; token?: string; publicUrl?: string };
}

export const envSchema = z.object(variables).superRefine((e, ctx) => {
  if (e.BANGNI_NOTIFY_TRANSPORT === 'http' && !e.BANGNI_NOTIFY_URL) ctx.addIssue({ code: 'custom', path: ['BANGNI_NOTIFY_URL'], message: 'is needed when BANGNI_NOTIFY_TRANSPORT is http: the SMS gateway\'s address' });
}).transform((e): Config => {
  const throttle: Partial<Record<keyof ThrottleLimits, unknown>> = {};
  for (const [rule, name] of Object.entries(LIMIT_ENV) as Array<[keyof ThrottleLimits, string]>) {
    const value = (e as Record<string, unknown>)[name];
    if (value !== undefined) throttle[rule] = value;
  }
  return {
    demo: e.BANGNI_DEMO,
    port: e.PORT,
    database: {
      url: e.DATABASE_URL,
      readUrl: e.DATABASE_READ_URL,
      dataDir: path.resolve(e.BANGNI_DATA_DIR ?? path.join(CHECKOUT, 'data')),
      schema: e.BANGNI_DB_SCHEMA,
      poolMax: e.BANGNI_POOL_MAX,
      readPoolMax: e.BANGNI_READ_POOL_MAX ?? e.BANGNI_POOL_MAX,
    },
    node: e.BANGNI_NODE,
    logLevel: (e.BANGNI_LOG_LEVEL ?? 'info') as LogLevel,
    metricsToken: e.BANGNI_METRICS_TOKEN,
    engine: defined({
      workers: e.BANGNI_ENGINE_WORKERS,
      stepTimeoutMs: e.BANGNI_STEP_TIMEOUT_MS,
      heapMb: e.BANGNI_STEP_HEAP_MB,
      timerPolicy: e.BANGNI_TIMER_MIN_MS === undefined ? undefined : { ...DEFAULT_TIMER_POLICY, minPeriodMs: e.BANGNI_TIMER_MIN_MS },
    }),
    caseLimits: defined({ timersPerHour: e.BANGNI_TIMERS_PER_HOUR, wakeFailures: e.BANGNI_WAKE_FAILURES }),
    retentionDays: e.BANGNI_RETENTION_DAYS,
    trustProxy: e.BANGNI_TRUST_PROXY,
    throttle: e.BANGNI_THROTTLE ? (throttle as Partial<ThrottleLimits>) : false,
    secretKey: e.BANGNI_SECRET_KEY,
    auditKey: e.BANGNI_AUDIT_KEY,
    anchorKey: e.BANGNI_ANCHOR_KEY,
    adminPassword: e.BANGNI_ADMIN_PASSWORD,
    shutdownMs: e.BANGNI_SHUTDOWN_MS,
    notify: { transport: (e.BANGNI_NOTIFY_TRANSPORT ?? 'log') as 'log' | 'http', url: e.BANGNI_NOTIFY_URL, token: e.BANGNI_NOTIFY_TOKEN, publicUrl: e.BANGNI_PUBLIC_URL },
  };
});

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
