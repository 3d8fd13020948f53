import fs from 'node:fs';
import os from 'node:os';

const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

/** utime + stime (ms) of /proc/<path>/stat; 0 where it is not readable. */
function statCpuMs(path: string): number {
  try {
    const stat = fs.readFileSync(`/proc/${path}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU time (user + system, ms) a process has used — all its threads, those that ended too — from /proc; 0 where /proc is not readable. */
export const processCpuMs = (pid: number): number => statCpuMs(String(pid));

/**
 * CPU time of every `postgres` process on this machine (backends, WAL writer,
 * …): the database's share of the work when it runs here, as in the benchmark.
 * null when none is visible (a remote database).
 */
export function postgresCpuMs(): number | null {
  let total = 0;
  let seen = false;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      seen = true;
    } catch {
      // the process ended while we looked
    }
  }
  return seen && os.platform() === 'linux' ? total : null;
}

/** CPU time (ms) of one thread of a process; the main thread's id is the process id. 0 where /proc is not readable. */
export const threadCpuMs = (pid: number, tid: number): number => statCpuMs(`${pid}/task/${tid}`);

/** The CPU the server processes (all their threads: HTTP, engine workers, GC), their main threads and PostgreSQL had used at one moment. */
export interface CpuSample {
  atMs: number;
  serverMs: number;
  mainMs: number;
  pgMs: number | null;
}

export function cpuSample(pids: number[]): CpuSample {
  return {
    atMs: performance.now(),
    serverMs: pids.reduce((a, p) => a + processCpuMs(p), 0),
    mainMs: pids.reduce((a, p) => a + threadCpuMs(p, p), 0),
    pgMs: postgresCpuMs(),
  };
}

/**
 * What was spent between two samples: CPU per unit of work, and **cores used**
 * — CPU time over the wall time. /proc/<pid>/stat sums every thread of the
 * process, so a server whose engine steps run in worker threads can show more
 * than 1; `mainCores` is its main thread alone (HTTP, SQL, the step's hand-off),
 * which no number of workers can take past 1.
 */
export function cpuBetween(a: CpuSample, b: CpuSample, units: number) {
  const wallMs = Math.max(b.atMs - a.atMs, 1);
  const per = Math.max(units, 1);
  // Terminated postgres backends take their ticks with them: a negative share is unknown, not zero.
  const pg = a.pgMs !== null && b.pgMs !== null && b.pgMs >= a.pgMs ? b.pgMs - a.pgMs : null;
  return {
    serverCpuMs: (b.serverMs - a.serverMs) / per,
    pgCpuMs: pg === null ? null : pg / per,
    serverCores: (b.serverMs - a.serverMs) / wallMs,
    mainCores: (b.mainMs - a.mainMs) / wallMs,
    pgCores: pg === null ? null : pg / wallMs,
  };
}

/**
 * CPU spent per unit of work during `fn`: the server processes' and
 * PostgreSQL's, and the cores each used. Unlike a rate, CPU per unit hardly
 * moves when the machine is busy with something else, so it shows what a
 * change to the code saved.
 */
export async function cpuPer<T extends { units: number }>(pids: number[], fn: () => Promise<T>): Promise<T & ReturnType<typeof cpuBetween>> {
  const before = cpuSample(pids);
  const out = await fn();
  return { ...out, ...cpuBetween(before, cpuSample(pids), out.units) };
}
