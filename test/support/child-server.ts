import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { openDb, type Db } from '../../server/db/index.ts';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildServer {
  url: string;
  port: number;
  pid: number;
  /** Everything the child wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Settles when the process has exited, with how it ended. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGKILL by default: a crash) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Graceful stop: SIGTERM, then SIGKILL if it does not exit in time. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface ChildServerOptions {
  /** Environment over this process's; a value of `undefined` removes the variable (e.g. DATABASE_URL). */
  env?: Record<string, string | undefined>;
  /** How long to wait for the "listening" line. */
  startTimeoutMs?: number;
  port?: number;
}

/** A free TCP port on 127.0.0.1 (main.ts prints the port it was given, so PORT=0 would not tell us). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real server (`node --import tsx server/main.ts`) as a child
 * process, as `npm start` would, and resolves once it logs that it listens.
 * Used by the crash test and reusable by the benchmark.
 */
export async function startChildServer(opts: ChildServerOptions = {}): Promise<ChildServer> {
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, PORT: String(port), ...opts.env })) if (v !== undefined) env[k] = v;
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the server did not start within ${opts.startTimeoutMs ?? 90_000} ms:\n${out}`));
    }, opts.startTimeoutMs ?? 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/listening on/i.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited while starting (code ${code}, signal ${signal}):\n${out}`));
    });
  });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (gone) return;
    proc.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.pid!,
    output: () => out,
    exit: exited,
    kill,
    async stop(timeoutMs = 15_000) {
      if (gone) return;
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}

/** A tiny API client for a child server, logged in as one demo user. */
export async function childClient(server: ChildServer, username = 'admin') {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo' }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}\n${server.output()}`);
  const { token } = (await login.json()) as { token: string };
  return async (method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/**
 * The database a test's child servers share, on the backend the run uses: a
 * schema of its own on PostgreSQL, or a PGlite data directory. `env` starts a
 * child on it; `open` opens it here once the children are gone; `drop` kills
 * every child started and removes the data.
 */
export function childServerData(prefix: string, extraEnv: Record<string, string> = {}) {
  const servers: ChildServer[] = [];
  const schema = process.env.DATABASE_URL ? `${prefix}_${randomBytes(4).toString('hex')}` : null;
  const dataDir = schema ? null : fs.mkdtempSync(path.join(os.tmpdir(), `bangni-${prefix}-`));
  const env: Record<string, string | undefined> = schema
    ? { DATABASE_URL: process.env.DATABASE_URL, BANGNI_DB_SCHEMA: schema, ...extraEnv }
    : { DATABASE_URL: undefined, BANGNI_DATA_DIR: dataDir!, ...extraEnv };
  return {
    env,
    dataDir,
    async start(node: string): Promise<ChildServer> {
      const s = await startChildServer({ env: { ...env, BANGNI_NODE: node } });
      servers.push(s);
      return s;
    },
    open: (): Promise<Db> => (schema ? openDb({ url: process.env.DATABASE_URL, schema }) : openDb({ dataDir: dataDir! })),
    async drop(): Promise<void> {
      for (const s of servers) await s.kill().catch(() => undefined);
      if (schema) {
        const db = await openDb({ url: process.env.DATABASE_URL });
        await db.knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
        await db.close();
      }
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
