import os from 'node:os';
import { createApp } from './app.ts';
import { openDb } from './db/index.ts';
import { systemClock } from './clock/index.ts';
import { loadConfig } from './config/index.ts';
import { shutdownInPhases, trackHttp, type ClosingServer } from './shutdown/index.ts';
import { createLogs, type Logger } from './log/index.ts';
import { httpTransport } from './notify/index.ts';

/** The process's logger once main() made it: the last catch below logs through it too. */
let logger: Logger | undefined;

/** Reads the environment, builds the app, listens. The only place that does. */
async function main(): Promise<void> {
  // Every variable through one schema, every problem at once, before the database opens (README "Configuration"):
  // a malformed value, or a production start (BANGNI_DEMO off) without its own keys, stops here with the variable's name.
  const warnings: string[] = [];
  const config = loadConfig(process.env, (m) => warnings.push(m));
  // Then the logger, so every later line (the key warnings too) is JSON: BANGNI_LOG_LEVEL (default info); pretty on a terminal.
  const node = config.node ?? `${os.hostname()}:${process.pid}`;
  const logs = createLogs({ node, level: config.logLevel, pretty: process.stdout.isTTY === true });
  logger = logs.logger;
  for (const w of warnings) logs.logger.warn(w);
  // BANGNI_DB_SCHEMA: several instances (the benchmark, scale-out tests) on one database, each in its own schema.
  const { url, readUrl, dataDir, schema, poolMax, readPoolMax } = config.database;
  const db = await openDb(url ? { url, schema, poolMax } : { dataDir, schema });
  // DATABASE_READ_URL: a streaming replica for task lists, case lists and reports (same schema; never migrated from here).
  const readDb = readUrl ? await openDb({ url: readUrl, schema, poolMax: readPoolMax, createSchema: false }) : null;
  const app = createApp({
    db, readDb, clock: systemClock, demo: config.demo, node, logs, metricsToken: config.metricsToken,
    secretKey: config.secretKey, auditKey: config.auditKey, anchorKey: config.anchorKey, adminPassword: config.adminPassword,
    retentionDays: config.retentionDays, engine: config.engine, caseLimits: config.caseLimits, throttle: config.throttle, trustProxy: config.trustProxy,
    notify: {
      publicUrl: config.notify.publicUrl,
      transport: config.notify.transport === 'http' ? httpTransport({ url: config.notify.url!, token: config.notify.token }) : undefined,
    },
  });
  // Start-up runs no case step; the scheduler starts once the server listens, so a bad case can never keep the node down.
  await app.start();
  const port = config.port;
  const server = app.express.listen(port, () => {
    logs.logger.info(`Bangni listening on http://localhost:${port} (database: ${url ? 'PostgreSQL' : `embedded PGlite in ${dataDir}`}${readDb ? ', reads from the replica in DATABASE_READ_URL' : ''})`);
    app.ctx.runtime.runner.warm().catch(() => undefined);
    app.startBackground().catch((err) => logs.logger.error({ err }, 'background work did not start'));
  });
  server.once('error', (err) => {
    logs.logger.fatal(`cannot listen on port ${port} (PORT): ${err.message}`);
    process.exit(1);
  });
  const http = trackHttp(server);
  let stopping = false;
  /**
   * Graceful, then forceful after BANGNI_SHUTDOWN_MS (README "Shutdown"): what
   * brings work in stops first, then what that work uses. Every write is a
   * transaction, so even the forceful end leaves nothing half done — only
   * work to redo (a request unanswered, a timer due again).
   */
  const shutdown = async (signal: string) => {
    stopping = true;
    logs.logger.info(`${signal}: shutting down (at most ${config.shutdownMs} ms)`);
    const runner = app.ctx.runtime.runner;
    let closing: ClosingServer | undefined;
    const outcome = await shutdownInPhases(
      [
        [
          // No new connection; the requests in flight are answered (and their steps saved).
          { name: 'http server', stop: () => (closing = http.close()).closed, holding: () => `${http.inFlight()} request(s) in flight` },
          // The case being fired is saved; the rest of the due backlog stays due for the next start or another node.
          { name: 'scheduler', stop: () => app.scheduler.stop() },
          { name: 'sla jobs', stop: () => app.sla.stop() },
          // The batch being sent is settled; the rest stays pending for the next start or another node.
          { name: 'notifications', stop: () => app.notifier.stop() },
        ],
        // Steps still running (each within its time budget) finish before the workers are ended.
        [{ name: 'engine steps', stop: () => runner.drain(), holding: () => `${runner.pending} step(s)` }],
        [{ name: 'app', stop: () => app.stop() }],
        [{ name: 'database pools', stop: async () => {
          await readDb?.close();
          await db.close();
        } }],
      ],
      { deadlineMs: config.shutdownMs, log: (m) => logs.logger.error(m), onDeadline: () => closing?.force() },
    );
    if (outcome.ok) logs.logger.info(`shutdown: done in ${outcome.ms} ms`);
    process.exit(outcome.ok ? 0 : 1);
  };
  // A second signal (Ctrl-C twice) does not wait for the deadline.
  const onSignal = (signal: string) => {
    if (!stopping) return void shutdown(signal);
    logs.logger.warn(`${signal} again: exiting now`);
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err) => {
  if (logger) logger.fatal(err instanceof Error ? err.message : String(err));
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
