import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type App } from '../../server/app.ts';
import type { PoolOptions } from '../../server/sandbox/index.ts';
import { ManualClock } from '../../server/clock/index.ts';
import { freshDb } from './db.ts';
import { scaledLimits, type ThrottleLimits } from '../../server/throttle/index.ts';
import { createLogs, isLogLevel, type DestinationStream } from '../../server/log/index.ts';

/**
 * The test apps' limits: the production rules with every count ×1000. Tests log in as demo users and
 * submit cases from 127.0.0.1 far more often than people do; the throttle tests pass their own.
 */
export const TEST_LIMITS: ThrottleLimits = scaledLimits(1000);

export interface TestApp {
  app: App;
  clock: ManualClock;
  db: Awaited<ReturnType<typeof freshDb>>;
  url: string;
  /** fetch against the app; JSON in and out; `as` logs in as that demo user first. */
  call(method: string, path: string, opts?: { body?: unknown; as?: string; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  token(username: string): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a real database, listening on a random port, with a manual clock. */
export async function startTestApp(opts: {
  processesDir?: string | null; clockStart?: string; engine?: PoolOptions; throttle?: Partial<ThrottleLimits> | false; trustProxy?: boolean | number | string;
  /** Where the app's JSON log lines go (at info unless BANGNI_LOG_LEVEL says otherwise); absent: BANGNI_LOG_LEVEL to stdout, default silent. */
  logStream?: DestinationStream;
  metricsToken?: string;
} = {}): Promise<TestApp> {
  const db = await freshDb();
  const clock = new ManualClock(opts.clockStart ?? '2026-03-02T01:00:00Z');
  // Quiet unless asked: BANGNI_LOG_LEVEL=info shows what the apps of a test run say.
  const level = process.env.BANGNI_LOG_LEVEL || (opts.logStream ? 'info' : 'silent');
  if (!isLogLevel(level)) throw new Error(`BANGNI_LOG_LEVEL: not a log level: ${level}`);
  const logs = createLogs({ node: 'test', level, destination: opts.logStream });
  // A step's budget is 2 s in production; tests share 2 cores with a database and a browser, so they get 10 s
  // unless a test sets its own (the budget tests do).
  const engine = { stepTimeoutMs: 10_000, ...opts.engine };
  const app = createApp({ db, clock, demo: true, node: 'test', logs, metricsToken: opts.metricsToken, processesDir: opts.processesDir, engine, throttle: opts.throttle ?? TEST_LIMITS, trustProxy: opts.trustProxy });
  await app.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.express.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();
  let tokensAt = clock.now().getTime();

  async function token(username: string): Promise<string> {
    // Tokens expire in the app's (moved) time: log in again after the clock jumped.
    if (Math.abs(clock.now().getTime() - tokensAt) > 60 * 60 * 1000) {
      tokens.clear();
      tokensAt = clock.now().getTime();
    }
    if (!tokens.has(username)) {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'demo' }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      tokens.set(username, ((await res.json()) as { token: string }).token);
    }
    return tokens.get(username)!;
  }

  return {
    app,
    clock,
    db,
    url,
    token,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.as) headers.authorization = `Bearer ${await token(o.as)}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(o.body);
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections?.();
      await app.stop();
      await db.drop();
    },
  };
}
