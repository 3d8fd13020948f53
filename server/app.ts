import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { KeyObject } from 'node:crypto';
import express from 'express';
import type { Clock } from './clock/index.ts';
import type { Db } from './db/index.ts';
import { migrateLatest, createReadRouting, withStartupLock } from './db/index.ts';
import { ensureRegions } from './regions/index.ts';
import { bootstrapAdmin, createGuard, seedDemoUsers } from './auth/index.ts';
import { createCaseRuntime, purgeClosedContacts, purgeIdempotencyKeys } from './cases/index.ts';
import { deployProcessFiles, definitionsChanged, DEPLOYED_CHANNEL } from './definitions/index.ts';
import { Scheduler, WAKE_CHANNEL, dueTimerCount } from './scheduler/index.ts';
import { createLogs, messageDestination, requestLog, type Logs } from './log/index.ts';
import { Metrics, httpMetrics, metricsRoute } from './metrics/index.ts';
import type { AppContext } from './app-context.ts';
import { errorMiddleware, notFoundRoute } from './api/errors.ts';
import { checkRequestText } from './api/edge.ts';
import { DATABASE_RETRY_AFTER_S } from './errors/index.ts';
import { authRouter } from './api/auth.ts';
import { usersRouter } from './api/users.ts';
import { regionsRouter } from './api/regions.ts';
import { unitsRouter } from './api/units.ts';
import { definitionsRouter } from './api/definitions.ts';
import { casesRouter } from './api/cases.ts';
import { duplicatesRouter } from './api/duplicates.ts';
import { tasksRouter } from './api/tasks.ts';
import { trackRouter } from './api/track.ts';
import { NotificationSender, logTransport, useNoticeSettings, withReplyNotices, type SenderOptions, type Transport } from './notify/index.ts';
import { documentRoute, openApiRouter } from './api/openapi.ts';
import { DOCS_PAGE, DOCS_SCRIPT } from './api/docs-page.ts';
import { noStore, securityHeaders } from './api/headers.ts';
import { browserApp, compressAnswers } from './api/static-assets.ts';
import { createSealer, DEVELOPMENT_KEY } from './crypto/index.ts';
import { createSla, type Sla } from './sla/index.ts';
import { slaRouter } from './api/sla.ts';
import { metricsRouter } from './api/metrics.ts';
import { auditRouter } from './api/audit.ts';
import { auditAnchorsRouter } from './api/audit-anchors.ts';
import { anchorYesterday, useAuditKeys, DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_ANCHOR_KEY } from './audit/index.ts';
import { calendarRouter } from './api/calendar.ts';
import { catalogueRouter } from './api/catalogue.ts';
import { open311Router } from './open311/index.ts';
import { incidentsRouter } from './api/incidents.ts';
import { open311KeysRouter } from './api/open311-keys.ts';
import type { PoolOptions } from './sandbox/index.ts';
import type { CaseLimits } from './cases/index.ts';
import { createThrottle, type ThrottleLimits } from './throttle/index.ts';
import { dummyPasswordHash } from './auth/index.ts';
import { createRules } from './rules/index.ts';
import { rulesRouter } from './api/rules.ts';

/**
 * The checkout: the nearest folder above this file with a package.json — the
 * same from the TypeScript sources (server/) and from the compiled `npm start`
 * build (dist/server/), for processes/ and the browser app's files.
 */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export interface AppDeps {
  db: Db;
  /** A read replica (DATABASE_READ_URL) for task lists, case lists and reports; absent: they read the primary. */
  readDb?: Db | null;
  clock: Clock;
  /** The pino logger and its scope (server/log; main.ts and the test apps build it); absent: JSON lines on stdout, or into `log`. */
  logs?: Logs;
  /** Without `logs`: receives the message of every line instead of stdout (tests that collect what the app said). */
  log?: (msg: string) => void;
  /** Bearer token `GET /metrics` requires (main.ts reads BANGNI_METRICS_TOKEN); absent: it answers loopback only. */
  metricsToken?: string;
  /** Name of this process in timer records and locks. */
  node?: string;
  /** Seed demo users (never in production). */
  demo?: boolean;
  /** Days after closing that a case keeps the citizen's contact details (main.ts: BANGNI_RETENTION_DAYS; default 730). */
  retentionDays?: number;
  /** Creates the account `admin` with this password when none exists (main.ts reads BANGNI_ADMIN_PASSWORD). */
  adminPassword?: string;
  /** 32-byte key sealing citizens' contact data (main.ts reads BANGNI_SECRET_KEY); absent: the development key. */
  secretKey?: Buffer;
  /** 32-byte HMAC key of the case event chains (main.ts reads BANGNI_AUDIT_KEY); absent: the development key. */
  auditKey?: Buffer;
  /** Ed25519 private key signing the daily audit anchors (main.ts reads BANGNI_ANCHOR_KEY); absent: the development key pair. */
  anchorKey?: KeyObject;
  /** Directory of BPMN files deployed at startup; null to deploy none. */
  processesDir?: string | null;
  /** Engine workers and their budgets (main.ts reads BANGNI_ENGINE_WORKERS, BANGNI_STEP_TIMEOUT_MS, BANGNI_STEP_HEAP_MB, BANGNI_TIMER_MIN_MS). */
  engine?: PoolOptions;
  /** A case's timer containment (main.ts reads BANGNI_TIMERS_PER_HOUR, BANGNI_WAKE_FAILURES). */
  caseLimits?: Partial<CaseLimits>;
  /** Login lockouts and request limits over the defaults (main.ts reads BANGNI_LIMIT_*); `false` turns throttling off (BANGNI_THROTTLE=off). */
  throttle?: Partial<ThrottleLimits> | false;
  /** express `trust proxy` (main.ts reads BANGNI_TRUST_PROXY): whose X-Forwarded-For gives the client address; default off. */
  trustProxy?: boolean | number | string;
  /** Citizens' SMS: the transport (main.ts builds it from BANGNI_NOTIFY_*; absent: the log transport), the tracking page's public address, the sender's retry settings. */
  notify?: { transport?: Transport; publicUrl?: string; sender?: Partial<Pick<SenderOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'leaseMs' | 'batch' | 'intervalMs'>> };
}

export interface App {
  express: express.Express;
  ctx: AppContext;
  scheduler: Scheduler;
  /** Sends the notification outbox (started with the background work). */
  notifier: NotificationSender;
  /** SLA calendars, clocks and the periodic sweep. */
  sla: Sla;
  /** Migrates, seeds, deploys the process files; runs no case step. Starts background work too when `background`. */
  start(opts?: { background?: boolean }): Promise<void>;
  /**
   * The scheduler and periodic jobs. main.ts calls it only once the server
   * listens: an overdue timer of a bad case must never keep a node from serving.
   */
  startBackground(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the whole service from its parts. It never listens: `main.ts` does. */
export function createApp(deps: AppDeps): App {
  const { db, clock } = deps;
  const knex = db.knex;
  const node = deps.node ?? `${os.hostname()}:${process.pid}`;
  const logs = deps.logs ?? createLogs({ node, destination: deps.log ? messageDestination(deps.log) : undefined });
  const { log } = logs;
  const metrics = new Metrics();
  let scheduler: Scheduler;
  // Working-time FEEL functions and SLA clocks read calendars cached in memory (FEEL runs synchronously).
  const retentionDays = deps.retentionDays ?? 730;
  const purge = { job: 'retention-purge', run: async () => {
    const n = await purgeClosedContacts({ knex, clock }, retentionDays);
    if (n) log(`retention: erased the contact details of ${n} case(s) closed more than ${retentionDays} days ago`);
  } };
  const keys = { job: 'idempotency-purge', run: () => purgeIdempotencyKeys({ knex, clock }) };
  // Throttle counters the store has forgotten (PostgreSQL; memory forgets by itself); `throttle` exists by the first tick.
  const throttleJob = { job: 'rate-limit-purge', run: () => throttle.purge() };
  // Every event chain is keyed, and every daily anchor signed, through the database handle (server/audit/keys.ts).
  if (!deps.auditKey || !deps.anchorKey) log('warning: no audit or anchor key given: event chains and anchors use the public development keys (demo and tests only)');
  useAuditKeys(knex, { auditKey: deps.auditKey ?? DEVELOPMENT_AUDIT_KEY, anchorKey: deps.anchorKey ?? DEVELOPMENT_ANCHOR_KEY });
  // Yesterday's chain heads of each region, signed (issue 11): what auditors download and keep elsewhere.
  const anchorJob = { job: 'audit-anchor', run: () => anchorYesterday(knex, clock.now()) };
  const sla = createSla({ knex, clock, node, log, listen: (c, fn) => db.listen(c, fn), notify: (c, p) => db.notify(c, p), daily: [purge, keys, throttleJob, anchorJob], metrics });
  if (!deps.secretKey) log('warning: no secret key given: contact data is sealed with the public development key (demo and tests only)');
  const sealer = createSealer(deps.secretKey ?? DEVELOPMENT_KEY, { development: !deps.secretKey });
  // Citizens' SMS (issue 13 item 6): queued in the steps' transactions, sent from the outbox in the background.
  useNoticeSettings(knex, { publicUrl: deps.notify?.publicUrl });
  const notifier = new NotificationSender({ knex, clock, sealer, node, log, transport: deps.notify?.transport ?? logTransport(log), ...deps.notify?.sender });
  // Rules travel with the SLA configuration: one reload, one NOTIFY, one copy in every engine worker.
  const rules = createRules({ knex, clock, cache: sla.cache.rules, reload: () => sla.load(), changed: () => sla.changed() });
  const runtime = createCaseRuntime({
    knex,
    clock,
    node,
    rules,
    pool: deps.engine,
    limits: deps.caseLimits,
    logs,
    metrics,
    onStep: withReplyNotices(sla.onStep, sealer),
    // A commit set an earlier wake-up: wake our own loop, and other nodes via NOTIFY.
    onWakeChanged: (at) => {
      scheduler?.poke();
      db.notify(WAKE_CHANNEL, at.toISOString()).catch(() => undefined);
    },
  });
  // FEEL's working-time functions run in the engine workers: each gets the SLA calendars and limits, and every reload.
  sla.cache.follow((snapshot) => runtime.runner.configure(snapshot));
  metrics.watch({ engine: runtime.runner, pools: { primary: knex, ...(deps.readDb && { replica: deps.readDb.knex }) }, dueTimers: () => dueTimerCount(knex, clock.now()) });
  const auth = createGuard(knex, clock, { notify: (c, p) => db.notify(c, p) });
  const read = createReadRouting({ primary: knex, replica: deps.readDb?.knex });
  const throttle = createThrottle({ db, clock, sealer, limits: deps.throttle });
  const ctx: AppContext = { knex, clock, auth, runtime, log, logger: logs.logger, logScope: logs.scope, sealer, read, throttle, rules };
  scheduler = new Scheduler(runtime, { listen: (c, fn) => db.listen(c, fn), log });

  const app = express();
  app.disable('x-powered-by');
  // req.ip, which the throttle keys on, follows X-Forwarded-For only from proxies trusted here.
  app.set('trust proxy', deps.trustProxy ?? false);
  // First: the request id and log line (server/log), and the latency series (server/metrics), for every answer below.
  app.use(requestLog(logs), httpMetrics(metrics));
  // CSP, nosniff, frame-ancestors, Referrer-Policy on every answer (server/api/headers.ts).
  app.use(securityHeaders());
  // Brotli or gzip for the API and the browser app (server/api/static-assets.ts).
  app.use(compressAnswers());
  app.use(express.json({ limit: '8mb' }));
  // NUL bytes, lone surrogates, bad percent-escapes, over-deep JSON: 400 here, never a 500 from PostgreSQL.
  app.use(checkRequestText);
  const api = express.Router();
  // Case details, contact, tracking, photos, task lists: nothing under /api/v1 is kept by a cache.
  api.use(noStore);
  api.use(auth.authenticate);
  api.use(read.noteWrite);
  api.use(authRouter(ctx));
  api.use(usersRouter(ctx));
  api.use(regionsRouter(ctx));
  api.use(rulesRouter(ctx));
  api.use(unitsRouter(ctx));
  api.use(definitionsRouter(ctx));
  api.use(casesRouter(ctx));
  api.use(duplicatesRouter(ctx));
  api.use(tasksRouter(ctx));
  api.use(trackRouter(ctx));
  api.use(slaRouter(ctx, sla));
  api.use(metricsRouter(ctx));
  api.use(auditRouter(ctx));
  api.use(auditAnchorsRouter(ctx));
  api.use(calendarRouter(ctx, sla));
  api.use(catalogueRouter(ctx, sla));
  api.use(incidentsRouter(ctx));
  api.use(open311KeysRouter(ctx));
  app.use('/api/v1', api);
  app.use('/api', openApiRouter(DOCS_PAGE, DOCS_SCRIPT));
  // Nor Open311's (a POST's answer carries the tracking code; a request may turn confidential).
  app.use('/open311/v2', noStore);
  app.use('/open311/v2', ...open311Router(ctx));
  documentRoute({ method: 'get', path: '/healthz', summary: 'Liveness: the database answers', tags: ['health'], roles: 'public', errors: { 503: ['database_unavailable'] } });
  app.get('/healthz', async (_req, res) => {
    try {
      await knex.raw('select 1');
    } catch (err) {
      log(`healthz: the database does not answer: ${(err as Error)?.message ?? String(err)}`);
      res.status(503).set('Retry-After', String(DATABASE_RETRY_AFTER_S)).json({
        ok: false, db: db.kind, error: { code: 'database_unavailable', message: 'The database does not answer.' },
      });
      return;
    }
    res.json({ ok: true, db: db.kind });
  });
  // Prometheus text, token or loopback only (server/metrics/route.ts); before the browser app's fallback.
  app.get('/metrics', metricsRoute(metrics, { token: deps.metricsToken }));
  // Hashed assets cached immutable, index.html revalidated; client routes get index.html.
  app.use(...browserApp(path.join(REPO_ROOT, 'modeler', 'dist'), path.join(REPO_ROOT, 'modeler', 'public')));
  app.use(notFoundRoute);
  app.use(errorMiddleware(log));

  let background = false;
  return {
    express: app,
    ctx,
    scheduler,
    notifier,
    sla,
    async start(opts = {}) {
      const dir = deps.processesDir === undefined ? path.join(REPO_ROOT, 'processes') : deps.processesDir;
      // Nodes starting together on one database prepare it one at a time: knex's table
      // creation races, and a file deployed by two nodes at once would become two versions.
      await withStartupLock(db, async () => {
        await migrateLatest(knex, db.schema);
        // `default` always; the eight demo regions on a demo start only (a county's own are made by its admin).
        await ensureRegions(knex, { demo: Boolean(deps.demo) });
        if (deps.demo) {
          const n = await seedDemoUsers(knex, clock.now());
          if (n) log(`seeded ${n} demo users (password "demo")`);
        }
        if (deps.adminPassword && (await bootstrapAdmin(knex, clock.now(), deps.adminPassword))) log('created the administrator account "admin" from BANGNI_ADMIN_PASSWORD');
        if (dir) await deployProcessFiles(knex, clock, dir, log);
      }, log);
      await sla.load();
      // The dummy hash unknown usernames are checked against, made now rather than on the first such login.
      await dummyPasswordHash();
      // Logouts and account changes made on other nodes reach this node's token cache.
      await auth.follow((c, fn) => db.listen(c, fn));
      await db.listen(DEPLOYED_CHANNEL, () => definitionsChanged());
      if (opts.background) await this.startBackground();
    },
    async startBackground() {
      if (background) return;
      background = true;
      await scheduler.start();
      await sla.startBackground();
      await notifier.start();
    },
    async stop() {
      if (background) await scheduler.stop();
      if (background) await notifier.stop();
      if (background) await sla.stop();
      await runtime.runner.stop();
    },
  };
}
