import { JsonClient } from '../lib/http-client.ts';
import { drive, timed } from '../lib/drive.ts';
import { percentile } from '../lib/stats.ts';

export const BENCH_REGION = 'yuquan';

export interface Node {
  client: JsonClient;
  dispatcher: string;
  handler: string;
}

/** Logs the benchmark users in on each server once (scrypt is not what we measure). */
export async function nodeFor(url: string): Promise<Node> {
  const client = new JsonClient(url);
  return { client, dispatcher: await client.login(`${BENCH_REGION}.dispatcher`), handler: await client.login(`${BENCH_REGION}.handler`) };
}

const newCase = (processKey: string, i: number) => ({
  region: BENCH_REGION,
  processKey,
  category: 'road',
  title: `路灯不亮 ${i}`,
  description: '小区门口路灯坏了，晚上很黑',
  channel: 'app',
});

async function openTaskOf(node: Node, caseId: number, token: string): Promise<{ id: number; elementId: string } | null> {
  const list = await node.client.expect(200, 'GET', `/api/v1/tasks?caseId=${caseId}&region=${BENCH_REGION}`, undefined, token);
  return list.items[0] ?? null;
}

/**
 * One-task process over HTTP: start (step 1) → look the task up → complete
 * (step 2, the case ends). Clients spread over the given servers.
 */
export async function oneTaskRun(nodes: Node[], concurrency: number, durationMs: number) {
  const r = await drive(concurrency, durationMs, async (w, lap) => {
    const node = nodes[w % nodes.length];
    const c = await timed(lap, 'step', () => node.client.expect(201, 'POST', '/api/v1/cases', newCase('bench-one-task', w)));
    const task = await openTaskOf(node, c.id, node.dispatcher);
    if (!task) throw new Error(`case ${c.id} has no open task`);
    await timed(lap, 'step', () => node.client.expect(200, 'POST', `/api/v1/tasks/${task.id}/complete`, { variables: { note: 'ok' } }, node.dispatcher));
  });
  const steps = r.laps.get('step') ?? [];
  return { casesPerS: r.done / r.seconds, stepsPerS: steps.length / r.seconds, p50: percentile(steps, 50), p99: percentile(steps, 99), units: r.done };
}

/** The default citizen-request process, every user task done in turn: dispatch → verify → resolve → reply → evaluate. */
const CITIZEN_STEPS: Array<[string, 'dispatcher' | 'handler', Record<string, unknown>]> = [
  ['dispatch', 'dispatcher', { department: 'city-management', dispatchNote: '请城管核实' }],
  ['verify', 'handler', { valid: true, finding: '属实' }],
  ['resolve', 'handler', { resolution: '已更换灯泡' }],
  ['reply', 'handler', { replyText: '您反映的路灯已修复' }],
  ['evaluate', 'dispatcher', { score: 5, comment: '满意' }],
];

export async function citizenRun(nodes: Node[], concurrency: number, durationMs: number) {
  const r = await drive(concurrency, durationMs, async (w, lap) => {
    const node = nodes[w % nodes.length];
    const c = await timed(lap, 'step', () => node.client.expect(201, 'POST', '/api/v1/cases', newCase('citizen-request', w)));
    for (const [elementId, who, variables] of CITIZEN_STEPS) {
      const token = node[who];
      const task = await openTaskOf(node, c.id, token);
      if (task?.elementId !== elementId) throw new Error(`case ${c.id}: expected ${elementId}, found ${task?.elementId}`);
      await timed(lap, 'step', () => node.client.expect(200, 'POST', `/api/v1/tasks/${task.id}/complete`, { variables }, token));
    }
  });
  const steps = r.laps.get('step') ?? [];
  return { casesPerS: r.done / r.seconds, stepsPerS: steps.length / r.seconds, p50: percentile(steps, 50), p99: percentile(steps, 99), units: r.done };
}
