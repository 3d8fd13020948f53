import fs from 'node:fs';
import os from 'node:os';

const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

/** CPU time (user + system, ms) a process has used, from /proc; 0 where /proc is not readable. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

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

/**
 * CPU spent per unit of work during `fn`: the server processes' and
 * PostgreSQL's. Unlike a rate, it hardly moves when the machine is busy with
 * something else, so it shows what a change to the code saved.
 */
export async function cpuPer<T extends { units: number }>(pids: number[], fn: () => Promise<T>): Promise<T & { serverCpuMs: number; pgCpuMs: number | null }> {
  const s0 = pids.reduce((a, p) => a + processCpuMs(p), 0);
  const p0 = postgresCpuMs();
  const out = await fn();
  const s1 = pids.reduce((a, p) => a + processCpuMs(p), 0);
  const p1 = postgresCpuMs();
  const units = Math.max(out.units, 1);
  // Terminated postgres backends take their ticks with them: a negative share is unknown, not zero.
  const pg = p0 !== null && p1 !== null && p1 >= p0 ? (p1 - p0) / units : null;
  return { ...out, serverCpuMs: (s1 - s0) / units, pgCpuMs: pg };
}
