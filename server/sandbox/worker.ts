/**
 * An engine worker thread: runs one engine step at a time (recover → act →
 * getState) for the pool in pool.ts, which holds the time budget and can
 * terminate this thread at any moment; the heap budget is the thread's
 * `resourceLimits`. Nothing here touches the database: the main thread locks,
 * saves and commits. Parsed definitions and live engines are cached here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SourceCache, StepRunner, serializeError, type LiveEngine, type TimerPolicy } from '../engine/index.ts';
import { SlaConfigCache, slaFeelFunctions } from '../sla/index.ts';
import type { ToWorker, WorkerInit } from './protocol.ts';
import { writeCurrent } from './current-element.ts';

const init = workerData as WorkerInit;
const port = parentPort!;

/** Time inside a step is the main thread's `now` when it sent the step: steps are short, and tests move that clock. */
let stepNow = 0;
const clock = { now: () => new Date(stepNow) };

const sla = new SlaConfigCache();
if (init.sla) sla.restore(init.sla);
const sources = new SourceCache(clock, 500, init.timerPolicy as TimerPolicy);
const runner = new StepRunner(clock, slaFeelFunctions(sla, clock), {
  liveEngines: init.liveEngines,
  maxStateBytes: init.maxStateBytes,
  onElement: (id) => writeCurrent(init.current, id),
});

/** Engines of steps not yet committed, by token; the main thread says `keep` once it committed. Bounded: a rolled-back step is never told. */
const pending = new Map<number, LiveEngine>();
let nextToken = 1;

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'config') sla.restore(msg.sla);
  else if (msg.t === 'keep') {
    const live = pending.get(msg.token);
    pending.delete(msg.token);
    if (live) runner.keep(msg.caseId, msg.stateVersion, live);
  } else if (msg.t === 'step') void step(msg);
});

port.postMessage({ t: 'ready' });

async function step(msg: Extract<ToWorker, { t: 'step' }>): Promise<void> {
  const { id, input } = msg;
  try {
    if (!sources.has(input.definitionId) && input.xml === undefined) {
      port.postMessage({ t: 'need-source', id });
      return;
    }
    stepNow = input.now;
    writeCurrent(init.current, '');
    const sourceContext = await sources.get(input.definitionId, async () => input.xml!);
    const before = { ...runner.liveStats };
    const result = await runner.run({
      name: input.name,
      sourceContext,
      state: typeof input.state === 'string' ? JSON.parse(input.state) : input.state,
      stateOwned: typeof input.state === 'string',
      startVariables: input.startVariables,
      signal: input.signal,
      cached: input.cached,
    });
    const { live, state: _state, ...rest } = result;
    let token: number | null = null;
    if (live) {
      token = nextToken++;
      pending.set(token, live);
      if (pending.size > 32) pending.delete(pending.keys().next().value as number);
    }
    const hit = runner.liveStats.hits > before.hits ? 'hit' : runner.liveStats.misses > before.misses ? 'miss' : null;
    port.postMessage({ t: 'done', id, result: rest, token, live: hit });
  } catch (err) {
    port.postMessage({ t: 'fail', id, error: serializeError(err) });
  }
}
