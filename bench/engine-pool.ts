/**
 * What handing engine steps to worker threads costs, without HTTP or a database
 * (`npx tsx bench/engine-pool.ts [workers…]`, default `1 2 4`): the one-task
 * case's two steps — start, then complete its task on the live engine — for 16
 * cases at a time, first on this thread (StepRunner, as every step ran before
 * issue 10), then through the EnginePool (server/sandbox) with each number of
 * workers. The saved state goes through JSON between the steps, as it does
 * through jsonb. Per case: the process's CPU (all threads) and the main
 * thread's alone — on a server the main thread also carries HTTP and SQL, so
 * what the pool adds there is what a node loses.
 * Knobs: ENGINE_POOL_SECONDS (per figure, default 5), ENGINE_POOL_RUNS (default 3).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StepRunner, SourceCache, type EngineState } from '../server/engine/index.ts';
import { EnginePool } from '../server/sandbox/index.ts';
import { systemClock } from '../server/clock/index.ts';
import { SlaConfigCache, slaFeelFunctions } from '../server/sla/index.ts';
import { REPO_ROOT } from './lib/server-process.ts';
import { cpuBetween, cpuSample } from './lib/cpu.ts';
import { drive } from './lib/drive.ts';
import { figure, percentile, show } from './lib/stats.ts';
import { printTable } from './lib/table.ts';

const seconds = Number(process.env.ENGINE_POOL_SECONDS ?? 5);
const runs = Number(process.env.ENGINE_POOL_RUNS ?? 3);
const concurrency = 16;
const workerCounts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const xml = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes/one-task.bpmn'), 'utf8');
const DEFINITION_ID = 1;
const startVariables = { region: 'yuquan', category: 'road', urgency: 'normal', title: '路灯不亮', description: '小区门口路灯坏了，晚上很黑', community: null, channel: 'app' };

/** A step's result as the case code uses it: the state to save, the task that waits, the engine to keep. */
interface Outcome {
  /** The state as saved (jsonb text). */
  stateJson: string;
  waits: Array<{ executionId: string }>;
  live?: unknown;
}
interface Steps {
  start(name: string): Promise<Outcome>;
  keep(caseId: number, stateVersion: number, live: unknown): void;
  complete(caseId: number, state: string, executionId: string): Promise<Outcome>;
  stop(): Promise<void>;
  /** Task completions that ran on the live engine / had to recover it. */
  liveStats: { hits: number; misses: number };
}

function inThread(): Steps {
  const sources = new SourceCache(systemClock);
  const runner = new StepRunner(systemClock, slaFeelFunctions(new SlaConfigCache(), systemClock));
  const source = () => sources.get(DEFINITION_ID, async () => xml);
  return {
    start: async (name) => runner.run({ name, sourceContext: await source(), startVariables }),
    keep: (caseId, v, live) => runner.keep(caseId, v, live as never),
    complete: async (caseId, state, executionId) =>
      runner.run({ name: String(caseId), sourceContext: await source(), state: JSON.parse(state) as EngineState, stateOwned: true, signal: { executionId, variables: { note: 'ok' } }, cached: { caseId, stateVersion: 1 } }),
    stop: async () => undefined,
    liveStats: runner.liveStats,
  };
}

function pooled(workers: number): Steps {
  const pool = new EnginePool({ workers });
  const now = () => new Date();
  const loadXml = async () => xml;
  return {
    start: (name) => pool.run({ name, definitionId: DEFINITION_ID, startVariables, loadXml }, now),
    keep: (caseId, v, live) => pool.keep(caseId, v, live as never),
    complete: (caseId, state, executionId) =>
      pool.run({ name: String(caseId), definitionId: DEFINITION_ID, state, signal: { executionId, variables: { note: 'ok' } }, cached: { caseId, stateVersion: 1 }, loadXml }, now),
    stop: () => pool.stop(),
    liveStats: pool.liveStats,
  };
}

let nextCase = 1;
async function measure(steps: Steps, durationMs: number) {
  const before = cpuSample([process.pid]);
  const r = await drive(concurrency, durationMs, async (_w, lap) => {
    const caseId = nextCase++;
    let t = performance.now();
    const started = await steps.start(String(caseId));
    lap('step', performance.now() - t);
    const saved = started.stateJson; // saved as jsonb, read back as text (lockColumns)
    steps.keep(caseId, 1, started.live);
    t = performance.now();
    const done = await steps.complete(caseId, saved, started.waits[0]!.executionId);
    lap('step', performance.now() - t);
    void done.stateJson;
  });
  const cpu = cpuBetween(before, cpuSample([process.pid]), r.done);
  const laps = r.laps.get('step') ?? [];
  const mainCpuMs = (cpu.mainCores * r.seconds * 1000) / Math.max(r.done, 1);
  return { casesPerS: r.done / r.seconds, cpuMs: cpu.serverCpuMs, mainCpuMs, cores: cpu.serverCores, mainCores: cpu.mainCores, p50: percentile(laps, 50), p99: percentile(laps, 99) };
}

const variants: Array<[string, () => Steps]> = [['on the main thread (before)', inThread]];
for (const n of workerCounts.length ? workerCounts : [1, 2, 4]) variants.push([`pool, ${n} worker${n > 1 ? 's' : ''}`, () => pooled(n)]);

const rows = [['steps of one-task cases', 'cases/s', 'CPU per case', 'main thread per case', 'cores used', 'main thread cores', 'step p50 / p99', 'live hits']];
// All variants exist at once and are measured in turn, run after run, so drift on the machine touches each alike.
const made = variants.map(([name, make]) => ({ name, steps: make(), out: [] as Array<Awaited<ReturnType<typeof measure>>> }));
for (const v of made) await measure(v.steps, 2000); // warm-up: JIT, parsed definitions, workers started
for (let i = 0; i < runs; i++) for (const v of made) v.out.push(await measure(v.steps, seconds * 1000));
for (const { name, steps, out } of made) {
  await steps.stop();
  const f = (key: keyof (typeof out)[number], unit: string, digits = 2) => `${show(figure(out.map((o) => o[key]), unit), digits)}`;
  rows.push([name, f('casesPerS', 'cases/s', 0), `${f('cpuMs', 'ms')} ms`, `${f('mainCpuMs', 'ms')} ms`, f('cores', 'cores'), f('mainCores', 'cores'), `${f('p50', 'ms', 1)} / ${f('p99', 'ms', 1)} ms`, `${steps.liveStats.hits}/${steps.liveStats.hits + steps.liveStats.misses}`]);
}
console.log(`${concurrency} cases at a time, ${runs} runs × ${seconds} s each; median (min–max); load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(printTable(rows));
