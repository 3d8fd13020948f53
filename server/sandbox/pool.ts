import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_TIMER_POLICY, StepFailure, reviveError, type StepResult, type TimerPolicy } from '../engine/index.ts';
import type { SlaSnapshot } from '../sla/index.ts';
import type { FromWorker, WorkerInit, WorkerStepInput } from './protocol.ts';
import { currentBuffer, readCurrent, writeCurrent } from './current-element.ts';

/** Budgets and size of the pool; every field has a default (README "Security boundary"). */
export interface PoolOptions {
  /** Worker threads (default: the machine's cores, 1–4). */
  workers?: number;
  /** Wall-clock limit of one step in its worker (default 2 s). */
  stepTimeoutMs?: number;
  /** Old-generation heap of each worker (default 256 MB). */
  heapMb?: number;
  /** Live engines kept across all workers (default 64). */
  liveEngines?: number;
  maxStateBytes?: number;
  timerPolicy?: TimerPolicy;
  log?: (msg: string) => void;
}

/** One step for the pool: data for the worker, plus how to read the definition's XML should the worker not have it. */
export interface PoolStep extends Omit<WorkerStepInput, 'xml' | 'now'> {
  loadXml: () => Promise<string>;
}

/** A step's result; `live` is a token for `keep` (the engine itself stays in its worker). */
export type PoolResult = Omit<StepResult, 'live' | 'state'> & { live?: LiveToken };
export interface LiveToken {
  slot: number;
  generation: number;
  token: number;
}

interface Job {
  id: number;
  step: PoolStep;
  /** Read when the step is sent, not when it is queued: the step's time is when it runs (a worker may still be starting). */
  now: () => Date;
  xml?: string;
  resolve: (r: PoolResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  index: number;
  worker: Worker | null;
  /** The worker has loaded its modules: a step's budget starts only then, not while it starts up. */
  ready: boolean;
  /** Workers of this slot that died before they were ready, in a row (a heap budget too small to load the engine, say). */
  startFailures: number;
  /** Bumped whenever the worker is replaced: tokens and late messages of an old worker are ignored. */
  generation: number;
  busy: Job | null;
  queue: Job[];
  timer: NodeJS.Timeout | null;
  current: SharedArrayBuffer;
}

/**
 * Engine steps in worker threads with budgets (issue 10). Each worker runs one
 * step at a time, so a step that overruns is the only one lost when its worker
 * is terminated: the step fails with a StepFailure (its transaction rolls back,
 * the caller records an incident), the queued steps of that worker go to its
 * replacement, and the main thread — HTTP and the database — never stops.
 * A case's steps go to the worker holding its live engine; other steps to the
 * least busy worker. Workers start on first use and are unref'd while idle.
 */
export class EnginePool {
  private readonly slots: Slot[];
  private readonly opts: Required<Omit<PoolOptions, 'log'>> & { log: (m: string) => void };
  private readonly sticky = new Map<number, number>();
  private sla: SlaSnapshot | null = null;
  private nextId = 1;
  private stopped = false;
  /** Who waits in `drain()` for the last running or queued step to settle. */
  private idleWaiters: Array<() => void> = [];
  /** Signal steps that ran on a live engine / had to recover one. */
  readonly liveStats = { hits: 0, misses: 0 };
  /** Workers terminated for a budget, and replaced. */
  readonly budgetStats = { timeouts: 0, outOfMemory: 0, lost: 0 };

  constructor(opts: PoolOptions = {}) {
    const workers = Math.max(1, Math.min(16, opts.workers ?? Math.min(4, os.availableParallelism())));
    this.opts = {
      workers,
      stepTimeoutMs: opts.stepTimeoutMs ?? 2000,
      heapMb: opts.heapMb ?? 256,
      liveEngines: opts.liveEngines ?? 64,
      maxStateBytes: opts.maxStateBytes ?? 2_000_000,
      timerPolicy: opts.timerPolicy ?? DEFAULT_TIMER_POLICY,
      log: opts.log ?? (() => undefined),
    };
    this.slots = Array.from({ length: workers }, (_, index) => ({ index, worker: null, ready: false, startFailures: 0, generation: 0, busy: null, queue: [], timer: null, current: currentBuffer() }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs one step in a worker under the budgets; rejects with StepFailure when the step (or its worker) fails. */
  run(step: PoolStep, now: () => Date): Promise<PoolResult> {
    if (this.stopped) return Promise.reject(new Error('the engine pool is stopped'));
    return new Promise<PoolResult>((resolve, reject) => {
      const job: Job = { id: this.nextId++, step, now, resolve, reject };
      const slot = this.route(step);
      slot.queue.push(job);
      this.dispatch(slot);
    });
  }

  /** Hands a step's engine back to its worker once its state is committed as `stateVersion`. */
  keep(caseId: number, stateVersion: number, live: LiveToken | undefined): void {
    if (!live || this.stopped) return;
    const slot = this.slots[live.slot];
    if (!slot?.worker || slot.generation !== live.generation) return;
    slot.worker.postMessage({ t: 'keep', token: live.token, caseId, stateVersion });
    this.sticky.delete(caseId);
    this.sticky.set(caseId, slot.index);
    if (this.sticky.size > 4 * this.opts.liveEngines) this.sticky.delete(this.sticky.keys().next().value as number);
  }

  /**
   * Starts every worker and waits until each has loaded its modules, so the
   * first requests after a start do not wait for a worker to come up.
   */
  async warm(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (this.stopped) return resolve();
            const worker = slot.worker ?? this.spawn(slot);
            if (slot.ready) return resolve();
            const onMessage = (msg: FromWorker) => {
              if (msg.t !== 'ready') return;
              worker.off('message', onMessage);
              worker.off('exit', onExit);
              resolve();
            };
            const onExit = () => resolve();
            worker.on('message', onMessage);
            worker.on('exit', onExit);
            if (!slot.busy && !slot.queue.length) worker.unref();
          }),
      ),
    );
  }

  /** The SLA configuration FEEL functions read; sent to every worker now and to each new one. */
  configure(sla: SlaSnapshot): void {
    this.sla = sla;
    for (const s of this.slots) s.worker?.postMessage({ t: 'config', sla });
  }

  /** Steps running or waiting for a worker. */
  get pending(): number {
    return this.slots.reduce((n, s) => n + load(s), 0);
  }

  /**
   * Resolves once no step runs or waits: a graceful shutdown lets the steps
   * in flight finish (each within its own time budget) before `stop()`, which
   * would fail them. Steps still arrive meanwhile unless the callers stopped.
   */
  drain(): Promise<void> {
    if (this.pending === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = this.slots.map(async (s) => {
      for (const job of [...(s.busy ? [s.busy] : []), ...s.queue.splice(0)]) job.reject(new Error('the engine pool stopped'));
      s.busy = null;
      if (s.timer) clearTimeout(s.timer);
      const w = s.worker;
      s.worker = null;
      s.generation += 1;
      if (w) await w.terminate();
    });
    await Promise.all(all);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private route(step: PoolStep): Slot {
    const caseId = step.cached?.caseId;
    const held = caseId === undefined ? undefined : this.sticky.get(caseId);
    if (held !== undefined) return this.slots[held]!;
    let best = this.slots[0]!;
    for (const s of this.slots) if (load(s) < load(best)) best = s;
    return best;
  }

  private dispatch(slot: Slot): void {
    if (slot.busy || this.stopped) return;
    const job = slot.queue.shift();
    if (!job) {
      slot.worker?.unref();
      return;
    }
    const worker = slot.worker ?? this.spawn(slot);
    worker.ref();
    if (!slot.ready) {
      slot.queue.unshift(job); // sent once the worker says it is ready
      return;
    }
    slot.busy = job;
    this.send(slot, job);
  }

  private send(slot: Slot, job: Job): void {
    const { loadXml: _load, ...data } = job.step;
    writeCurrent(slot.current, '');
    slot.worker!.postMessage({ t: 'step', id: job.id, input: { ...data, xml: job.xml, now: job.now().getTime() } });
    // A step that parses its definition first (once per worker and definition) gets the budget twice more for
    // the parse: deploy limits the model's size, and a cold parse on a loaded machine must not be an incident.
    const budget = job.xml === undefined ? this.opts.stepTimeoutMs : 3 * this.opts.stepTimeoutMs;
    slot.timer = setTimeout(() => this.kill(slot, 'step_timeout'), budget);
  }

  private spawn(slot: Slot): Worker {
    const init: WorkerInit = {
      sla: this.sla,
      timerPolicy: this.opts.timerPolicy,
      liveEngines: Math.max(8, Math.ceil(this.opts.liveEngines / this.slots.length)),
      maxStateBytes: this.opts.maxStateBytes,
      current: slot.current,
    };
    const worker = new Worker(WORKER_URL, {
      workerData: init,
      execArgv: loaderArgs(),
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb, stackSizeMb: 4 },
    });
    const generation = slot.generation;
    worker.on('message', (msg: FromWorker) => {
      if (slot.generation !== generation) return;
      if (msg.t === 'ready') {
        slot.ready = true;
        slot.startFailures = 0;
        this.dispatch(slot);
      } else this.onMessage(slot, msg);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (slot.generation !== generation) return;
      this.kill(slot, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'step_memory' : 'worker_lost', err);
    });
    worker.on('exit', (code) => {
      if (slot.generation === generation && slot.worker === worker) this.kill(slot, 'worker_lost', new Error(`the worker exited with code ${code}`));
    });
    slot.worker = worker;
    slot.ready = false;
    return worker;
  }

  private onMessage(slot: Slot, msg: Exclude<FromWorker, { t: 'ready' }>): void {
    const job = slot.busy;
    if (!job || job.id !== msg.id) return;
    if (msg.t === 'need-source') {
      if (slot.timer) clearTimeout(slot.timer);
      job.step.loadXml().then(
        (xml) => {
          if (slot.busy !== job) return;
          job.xml = xml;
          this.send(slot, job);
        },
        (err) => this.finish(slot, () => job.reject(err)),
      );
      return;
    }
    if (msg.t === 'fail') return this.finish(slot, () => job.reject(reviveError(msg.error)));
    if (msg.live === 'hit') this.liveStats.hits += 1;
    if (msg.live === 'miss') this.liveStats.misses += 1;
    const live = msg.token === null ? undefined : { slot: slot.index, generation: slot.generation, token: msg.token };
    this.finish(slot, () => job.resolve({ ...msg.result, live }));
  }

  private finish(slot: Slot, settle: () => void): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.busy = null;
    settle();
    this.dispatch(slot);
    if (this.idleWaiters.length && this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Ends the slot's worker and fails its running step; the queued steps go to a fresh worker. */
  private kill(slot: Slot, reason: 'step_timeout' | 'step_memory' | 'worker_lost', cause?: Error): void {
    const job = slot.busy;
    const elementId = readCurrent(slot.current);
    const worker = slot.worker;
    const neverStarted = worker !== null && !slot.ready;
    slot.worker = null;
    slot.ready = false;
    slot.generation += 1;
    if (worker) void worker.terminate();
    for (const [caseId, index] of this.sticky) if (index === slot.index) this.sticky.delete(caseId);
    if (reason === 'step_timeout') this.budgetStats.timeouts += 1;
    else if (reason === 'step_memory') this.budgetStats.outOfMemory += 1;
    else this.budgetStats.lost += 1;
    const message =
      reason === 'step_timeout' ? `the step ran past its time budget of ${this.opts.stepTimeoutMs} ms`
      : reason === 'step_memory' ? `the step ran past its memory budget of ${this.opts.heapMb} MB`
      : `the engine worker stopped (${cause?.message ?? 'unknown'})`;
    this.opts.log(`engine pool: worker ${slot.index} replaced: ${message}${elementId ? ` at ${elementId}` : ''}`);
    // A worker that cannot even start would be replaced forever: after three in a row its waiting steps fail instead.
    if (neverStarted && ++slot.startFailures >= 3) {
      slot.startFailures = 0;
      const waiting = slot.queue.splice(0);
      this.opts.log(`engine pool: worker ${slot.index} could not start three times; ${waiting.length} waiting step(s) failed`);
      for (const j of waiting) j.reject(new StepFailure('worker_lost', `the engine worker could not start (${cause?.message ?? reason})`));
    }
    this.finish(slot, () => job?.reject(new StepFailure(reason, message, { elementId, cause })));
  }
}

const load = (s: Slot) => s.queue.length + (s.busy ? 1 : 0);

/** The worker's file beside this one: through tsx from the TypeScript sources (tests), JavaScript in the compiled build. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker-tsx.mjs' : './worker.js', import.meta.url);

/**
 * A worker inherits the process's module loaders (tsx under tests), never its
 * V8 flags: `--max-old-space-size` of `npm start` is the main thread's, the
 * worker's heap is its own `resourceLimits`.
 */
function loaderArgs(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
    else if (/^--(import|require|loader|experimental-loader)$/.test(a) && args[i + 1]) out.push(a, args[++i]!);
  }
  return out;
}
