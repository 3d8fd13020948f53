import type { Node } from './engine.ts';
import { BENCH_REGION } from './engine.ts';
import { percentile } from '../lib/stats.ts';

/** The task-list queries people run all day, each with its total count. */
export const TASK_QUERIES: Array<{ name: string; who: 'handler' | 'dispatcher'; path: string }> = [
  { name: 'my groups + region + overdue, by due', who: 'handler', path: `/api/v1/tasks?region=${BENCH_REGION}&overdue=true&sort=due` },
  { name: 'group dispatchers + region, by due', who: 'dispatcher', path: `/api/v1/tasks?region=${BENCH_REGION}&group=dispatchers&sort=due` },
  { name: 'text search', who: 'dispatcher', path: `/api/v1/tasks?region=${BENCH_REGION}&q=${encodeURIComponent('路灯')}&sort=due` },
];

/** Runs each query `n` times in turn over HTTP; p50/p95 per query in ms. */
export async function taskListRun(node: Node, n: number) {
  const out: Record<string, { p50: number; p95: number; total: number }> = {};
  for (const q of TASK_QUERIES) {
    const ms: number[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const body = await node.client.expect(200, 'GET', q.path, undefined, node[q.who]);
      ms.push(performance.now() - t0);
      total = body.total;
    }
    out[q.name] = { p50: percentile(ms, 50), p95: percentile(ms, 95), total };
  }
  return out;
}
