import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  pid: number;
  node: string;
  /** Resident set size of the server process, in MB (from /proc). */
  rssMb(): number;
  /** The server's own output, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Node's flags in `npm start` (the heap limit): the benchmark runs the server as users do. */
const START_FLAGS: string[] = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.start as string)
  .split(/\s+/)
  .filter((a) => a.startsWith('--'));

/** Compiles the server as `npm run build` does (tsc), so the benchmark measures the current sources. */
export function buildServer(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts the server as `npm start` runs it — the compiled build, `node
 * dist/server/main.js` (built by `buildServer`), so the pid is the server itself
 * and its RSS is the server's — and waits for /healthz. `env` adds to the
 * environment: DATABASE_URL, BANGNI_DB_SCHEMA, …
 */
export async function startServer(env: Record<string, string | undefined>, opts: { node: string; nodeArgs?: string[] }): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...START_FLAGS, ...(opts.nodeArgs ?? []), path.join(REPO_ROOT, 'dist/server/main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port), BANGNI_NODE: opts.node },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`server ${opts.node} exited during startup:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server ${opts.node} did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    node: opts.node,
    rssMb() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    output: () => log,
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
