import type pg from 'pg';
import type { Node } from './engine.ts';
import { BENCH_REGION } from './engine.ts';
import { cloneCases } from './seed.ts';
import { percentile } from '../lib/stats.ts';
import { cpuBetween, cpuSample } from '../lib/cpu.ts';

/**
 * `n` timers due in the same second: one real case waits at a timer; it is
 * copied n times with its expiry moved to `leadMs` from now, and the running
 * servers' schedulers fire them. Lateness is fired_at − expire_at from
 * timer_firings; duplicates are counted from the timeline (timer.fired events
 * per case and execution), which no constraint prevents. The servers' CPU
 * (`pids`) is counted from the due second until the last firing: per firing,
 * and as cores used over that drain.
 */
export async function timersRun(c: pg.Client, node: Node, n: number, leadMs: number, tag: string, pids: number[]) {
  const started = await node.client.expect(201, 'POST', '/api/v1/cases', { region: BENCH_REGION, processKey: 'bench-timer', category: 'other', title: 'timer' });
  const { rows } = await c.query('select next_wake_at, engine_state::text as s from cases where id = $1', [started.id]);
  const oldIso = new Date(rows[0].next_wake_at).toISOString();
  if (!rows[0].s.includes(oldIso)) throw new Error(`timer expiry ${oldIso} not found in the saved state`);
  const due = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000); // all in the same second
  const dueIso = due.toISOString();
  const range = await cloneCases(c, started.id, n, { tag, set: { next_wake_at: `'${dueIso}'::timestamptz` }, stateReplace: [oldIso, dueIso] });
  // The template itself is not part of the measurement.
  await c.query("update cases set status = 'closed', next_wake_at = null where id = $1", [started.id]);

  await new Promise((r) => setTimeout(r, Math.max(0, due.getTime() - Date.now())));
  const cpu0 = cpuSample(pids);
  const deadline = Date.now() + 240_000;
  let fired = 0;
  while (Date.now() < deadline) {
    fired = Number((await c.query('select count(*) as n from timer_firings where case_id between $1 and $2', [range.first, range.last])).rows[0].n);
    if (fired >= n) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const cpu = cpuBetween(cpu0, cpuSample(pids), fired);
  const firings = await c.query(
    `select extract(epoch from (fired_at - expire_at)) * 1000 as late, extract(epoch from fired_at) * 1000 as at, node
     from timer_firings where case_id between $1 and $2`,
    [range.first, range.last],
  );
  const late = firings.rows.map((r: { late: string }) => Number(r.late));
  const at = firings.rows.map((r: { at: string }) => Number(r.at));
  const dup = await c.query(
    `select count(*) as n from (select case_id, data->>'executionId' from case_events
       where type = 'timer.fired' and case_id between $1 and $2 group by 1, 2 having count(*) > 1) d`,
    [range.first, range.last],
  );
  const nodes: Record<string, number> = {};
  for (const r of firings.rows as Array<{ node: string }>) nodes[r.node] = (nodes[r.node] ?? 0) + 1;
  const spanS = (Math.max(...at) - due.getTime()) / 1000;
  return {
    fired,
    missing: n - fired,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    duplicates: Number(dup.rows[0].n),
    drainPerS: fired / Math.max(spanS, 0.001),
    serverCpuMs: cpu.serverCpuMs,
    serverCores: cpu.serverCores,
    mainCores: cpu.mainCores,
    pgCores: cpu.pgCores,
    nodes,
  };
}
