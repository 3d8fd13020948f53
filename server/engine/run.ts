import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { Clock } from '../clock/index.ts';
import { AppError } from '../errors/index.ts';
import { StepFailure } from './step-failure.ts';
import { CaseTimers } from './timers.ts';
import { createExpressions, type FeelFunctions } from './expressions.ts';
import { readTaskWait, type TaskWait } from './task-wait.ts';
import type { SourceContext } from './source.ts';
import { LiveEngineCache } from './live-cache.ts';

/** What one engine step asks for: start a case, or resume it (and maybe signal a task). */
export interface StepInput {
  name: string;
  sourceContext: SourceContext;
  state?: EngineState | null;
  startVariables?: Record<string, unknown>;
  signal?: { executionId: string; variables: Record<string, unknown> };
  /** The locked case and its version: a signal may then run on this case's live engine. */
  cached?: { caseId: number; stateVersion: number };
  /** `state` is this step's own copy (parsed just for it): no defensive clone before recover. */
  stateOwned?: boolean;
}

export type EngineState = Record<string, unknown> & { definitions?: Array<Record<string, unknown>> };

export interface TimerFired {
  elementId: string;
  executionId: string;
  expireAt: Date;
}

export interface StepResult {
  state: EngineState;
  /** `state` as JSON, as it is saved (jsonb) and sent between threads: made once, for the size check. */
  stateJson: string;
  completed: boolean;
  endElementId: string | null;
  variables: Record<string, unknown>;
  /** User tasks waiting after the step (a resumed engine re-emits these: callers upsert). */
  waits: TaskWait[];
  /** User task executions that ended or were discarded in this step. */
  left: string[];
  timersFired: TimerFired[];
  nextWakeAt: Date | null;
  /** Elements passed in this step, for the case timeline. */
  path: Array<{ elementId: string; type: string; name: string | null }>;
  /** The engine after the step, for `StepRunner.keep` once the step is committed. */
  live?: LiveEngine;
}

/**
 * No script ever runs; deploy validation rejects scripts before that. A script
 * task or a `language=` condition gets a script that only fails: returning
 * nothing for a condition would make bpmn-elements read its body as a plain
 * expression, and a non-empty literal counts as true — the scripted flow taken.
 */
const noScripts = {
  register: () => undefined,
  getScript: (language?: string, element?: { id?: string }) =>
    language
      ? {
          execute: (_scope: unknown, callback: (err: Error) => void) =>
            callback(new Error(`scripts are disabled: <${element?.id ?? '?'}> asks for ${language}`)),
        }
      : undefined,
};

/** Variables the engine itself puts into the process scope; never shown as case data. */
const ENGINE_KEYS = new Set(['fields', 'content', 'properties']);

/**
 * Copies a completed user task's signal payload (the form's values) into the
 * process variables, where gateway conditions and later tasks read them.
 */
const extensions = {
  formToVariables(activity: { type: string; environment: { variables: Record<string, unknown> }; on: Function }) {
    if (activity.type !== 'bpmn:UserTask') return;
    activity.on('end', (api: { content: { output?: unknown } }) => {
      const out = api.content.output;
      if (!out || typeof out !== 'object' || Array.isArray(out)) return;
      const { id: _id, executionId: _executionId, ...data } = out as Record<string, unknown>;
      Object.assign(activity.environment.variables, data);
    });
  },
};

const quietLogger = () => ({ debug() {}, error() {}, warn() {} });

/** A loop with no wait state would spin forever inside one step: stop it here. */
const MAX_ELEMENTS_PER_STEP = 1000;

/** What one step of a live engine observed; reset before each step. */
interface StepLog {
  waits: Map<string, TaskWait>;
  left: Set<string>;
  timersFired: TimerFired[];
  path: StepResult['path'];
  endElementId: string | null;
  failure: Error | null;
  started: number;
  /** The element that started last: where a failure or an overrun happened. */
  current: string | null;
}

/**
 * An engine with its timers port and listener, bound once. The listener writes
 * into `log`, which each step replaces, so a cached engine can run further steps.
 */
export interface LiveEngine {
  engine: EngineLike;
  timers: CaseTimers;
  log: StepLog;
  ended: boolean;
}

const freshLog = (waits = new Map<string, TaskWait>()): StepLog => ({
  waits,
  left: new Set(),
  timersFired: [],
  path: [],
  endElementId: null,
  failure: null,
  started: 0,
  current: null,
});

export class StepRunner {
  private readonly live: LiveEngineCache<LiveEngine>;
  /** Signal steps that ran on a live engine / had to recover one (for metrics and tests). */
  readonly liveStats = { hits: 0, misses: 0 };

  private readonly maxStateBytes: number;
  private readonly onElement: (elementId: string) => void;

  constructor(
    private readonly clock: Clock,
    private readonly functions: FeelFunctions = () => ({}),
    opts: {
      liveEngines?: number;
      /** Largest saved state a step may produce (JSON characters); past it the step fails. */
      maxStateBytes?: number;
      /** Told each element that starts, so a supervisor knows where a step that never returns was. */
      onElement?: (elementId: string) => void;
    } = {},
  ) {
    this.live = new LiveEngineCache(opts.liveEngines ?? 64);
    this.maxStateBytes = opts.maxStateBytes ?? 2_000_000;
    this.onElement = opts.onElement ?? (() => undefined);
  }

  /**
   * One engine step: recover a fresh Engine with every code option passed
   * again (or, for a task signal, take this case's live engine if it is at the
   * locked `state_version`), act, settle at the next wait state, report. The
   * caller saves the result in one transaction and, once committed, may hand
   * the engine back with `keep`.
   */
  async run(input: StepInput): Promise<StepResult> {
    let live: LiveEngine | null = null;
    if (input.signal && input.cached) {
      live = this.live.take(input.cached.caseId, input.cached.stateVersion);
      // A due timer fires on resume, before the signal: only a recovered engine does that.
      const next = live?.timers.nextExpireAt();
      if (live && next && next <= this.clock.now()) live = null;
    }
    if (input.signal && input.cached) this.liveStats[live ? 'hits' : 'misses'] += 1;
    if (live) {
      // Tasks still waiting stay in `waits`, as a resumed engine would re-emit them.
      live.log = freshLog(new Map(live.log.waits));
    } else {
      const fresh = (live = this.build(input));
      const listener = this.listener(fresh);
      await guarded(fresh, async () => {
        if (input.state) {
          fresh.engine.recover(input.stateOwned ? input.state : structuredClone(input.state));
          await fresh.engine.resume({ listener });
        } else {
          await fresh.engine.execute({ listener, variables: input.startVariables ?? {} });
        }
      });
    }
    const { engine } = live;

    if (input.signal && !live.log.failure) {
      const waiting = engine.execution?.getPostponed?.().some((a: ElementApi) => a.executionId === input.signal!.executionId);
      if (!waiting) {
        throw new AppError('task_not_waiting', 'This task is no longer waiting in its case (it was completed or cancelled).', {
          status: 409,
        });
      }
      await guarded(live, () => engine.execution!.signal({ ...input.signal!.variables, executionId: input.signal!.executionId }));
    }

    const { log } = live;
    if (log.failure) throw asStepFailure(log.failure, log.current);

    const state = (await engine.getState()) as EngineState;
    for (const d of state.definitions ?? []) delete d.source; // cached by definition id instead
    // The state is saved as jsonb and sent between threads: a model that grows it without bound fails here, not in PostgreSQL.
    const stateJson = JSON.stringify(state);
    const size = stateJson.length;
    if (size > this.maxStateBytes) {
      throw new StepFailure('state_too_large', `the case state would be ${size} characters (limit ${this.maxStateBytes})`, { elementId: log.current });
    }
    return {
      state,
      stateJson,
      completed: live.ended,
      endElementId: log.endElementId,
      variables: liveVariables(engine),
      waits: [...log.waits.values()],
      left: [...log.left],
      timersFired: log.timersFired,
      nextWakeAt: live.ended ? null : live.timers.nextExpireAt(),
      path: log.path,
      live: live.ended ? undefined : live,
    };
  }

  /** Hands back a step's engine once its state is committed as `stateVersion` of the case. */
  keep(caseId: number, stateVersion: number, live: LiveEngine | undefined): void {
    if (live && !live.ended && !live.log.failure) this.live.put(caseId, stateVersion, live);
  }

  private build(input: StepInput): LiveEngine {
    const timers = new CaseTimers(this.clock);
    const engine = new Engine({
      name: input.name,
      sourceContext: input.sourceContext,
      expressions: createExpressions(this.functions),
      scripts: noScripts,
      timers,
      extensions,
      Logger: quietLogger,
      settings: { enableDummyService: false },
    } as never) as unknown as EngineLike;
    const live: LiveEngine = { engine, timers, log: freshLog(), ended: false };
    engine.on('error', (err: Error) => {
      live.log.failure = err;
    });
    engine.on('end', () => {
      live.ended = true;
    });
    return live;
  }

  private listener(live: LiveEngine): EventEmitter {
    const listener = new EventEmitter();
    listener.on('activity.start', (api: ElementApi) => {
      const log = live.log;
      log.started += 1;
      log.current = api.id;
      this.onElement(api.id);
      if (log.started > MAX_ELEMENTS_PER_STEP && !log.failure) {
        log.failure = new StepFailure('step_loop', `more than ${MAX_ELEMENTS_PER_STEP} elements ran in one step (a loop without a wait state?)`, { elementId: api.id });
        live.engine.stop();
      }
    });
    listener.on('activity.wait', (api: ElementApi) => {
      if (api.type !== 'bpmn:UserTask') return;
      try {
        live.log.waits.set(api.executionId, readTaskWait(api as never, this.clock));
        live.log.left.delete(api.executionId);
      } catch (err) {
        live.log.failure = new Error(`task ${api.id}: ${(err as Error).message}`, { cause: err });
      }
    });
    // Only a task that waited has a row to close: a user task on a branch not taken is discarded without ever waiting.
    const onLeave = (api: ElementApi) => {
      if (api.type === 'bpmn:UserTask' && live.log.waits.delete(api.executionId)) live.log.left.add(api.executionId);
    };
    listener.on('activity.leave', onLeave);
    listener.on('activity.discard', onLeave);
    listener.on('activity.end', (api: ElementApi) => {
      live.log.path.push({ elementId: api.id, type: api.type, name: api.name ?? null });
      if (api.type === 'bpmn:EndEvent') live.log.endElementId = api.id;
    });
    listener.on('activity.timeout', (api: ElementApi) => {
      const c = api.content ?? {};
      live.log.timersFired.push({
        elementId: api.id,
        executionId: String(c.executionId ?? api.executionId),
        expireAt: new Date((c.expireAt as string | Date | undefined) ?? this.clock.now()),
      });
    });
    return listener;
  }
}

interface ElementApi {
  id: string;
  type: string;
  name?: string;
  executionId: string;
  content?: Record<string, unknown>;
}

interface EngineLike {
  on(event: string, fn: (...args: never[]) => void): void;
  recover(state: unknown): EngineLike;
  resume(opts: unknown): Promise<unknown>;
  execute(opts: unknown): Promise<unknown>;
  stop(): void;
  getState(): Promise<unknown>;
  activityStatus: string;
  execution?: {
    signal(msg: unknown): void;
    getPostponed(): ElementApi[];
    definitions: Array<{ getProcesses(): Array<{ environment: { variables: Record<string, unknown> } }> }>;
  };
}

function liveVariables(engine: EngineLike): Record<string, unknown> {
  const proc = engine.execution?.definitions?.[0]?.getProcesses?.()?.[0];
  const vars = proc?.environment?.variables ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!ENGINE_KEYS.has(k)) out[k] = v;
  return JSON.parse(JSON.stringify(out));
}

/** An engine failure as a step failure: a refused timer keeps its own reason, anything else is engine_error. */
function asStepFailure(err: Error, elementId: string | null): StepFailure {
  if (err instanceof StepFailure) return err;
  // bpmn-elements wraps what an element threw (RunError with `source`/`inner`); find our own code underneath.
  let inner: unknown = err;
  for (let i = 0; i < 5 && inner; i++) {
    if ((inner as { code?: unknown }).code === 'timer_rejected') {
      return new StepFailure('timer_rejected', (inner as Error).message, { elementId, cause: err });
    }
    inner = (inner as { inner?: unknown; cause?: unknown }).inner ?? (inner as { cause?: unknown }).cause;
  }
  if (err instanceof RangeError) return new StepFailure('engine_error', `${err.message} (an expression too deep or too large?)`, { elementId, cause: err });
  return new StepFailure('engine_error', err.message, { elementId, cause: err });
}

/**
 * Whatever the engine throws (a loop without a wait state overflows the stack
 * before any guard can stop it) is a failed step, reported as engine_error:
 * never a 500 without an incident.
 */
async function guarded(live: LiveEngine, act: () => Promise<unknown> | void): Promise<void> {
  try {
    await act();
    await settle(live);
  } catch (err) {
    live.log.failure ??= err as Error;
  }
}

async function settle(live: LiveEngine): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (live.ended || live.log.failure !== null || live.engine.activityStatus !== 'executing') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the engine did not settle');
}
