import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { Clock } from '../clock/index.ts';
import { AppError } from '../errors/index.ts';
import { CaseTimers } from './timers.ts';
import { createFeelExpressions, type FeelFunctions } from './feel.ts';
import { readTaskWait, type TaskWait } from './task-wait.ts';
import type { SourceContext } from './source.ts';

/** What one engine step asks for: start a case, or resume it (and maybe signal a task). */
export interface StepInput {
  name: string;
  sourceContext: SourceContext;
  state?: EngineState | null;
  startVariables?: Record<string, unknown>;
  signal?: { executionId: string; variables: Record<string, unknown> };
}

export type EngineState = Record<string, unknown> & { definitions?: Array<Record<string, unknown>> };

export interface TimerFired {
  elementId: string;
  executionId: string;
  expireAt: Date;
}

export interface StepResult {
  state: EngineState;
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

export class StepRunner {
  constructor(private readonly clock: Clock, private readonly functions: FeelFunctions = () => ({})) {}

  /**
   * One engine step, stateless: a fresh Engine with every code option passed
   * again, recover, act, settle at the next wait state, report. The engine is
   * dropped afterwards; the caller saves the result in one transaction.
   */
  async run(input: StepInput): Promise<StepResult> {
    const timers = new CaseTimers(this.clock);
    const listener = new EventEmitter();
    const waits = new Map<string, TaskWait>();
    const left = new Set<string>();
    const timersFired: TimerFired[] = [];
    const path: StepResult['path'] = [];
    let endElementId: string | null = null;
    let failure: Error | null = null;
    let ended = false;
    let started = 0;

    const engine = new Engine({
      name: input.name,
      sourceContext: input.sourceContext,
      expressions: createFeelExpressions(this.functions),
      scripts: noScripts,
      timers,
      extensions,
      Logger: quietLogger,
      settings: { enableDummyService: false },
    } as never) as unknown as EngineLike;

    engine.on('error', (err: Error) => {
      failure = err;
    });
    engine.on('end', () => {
      ended = true;
    });

    listener.on('activity.start', (api: ElementApi) => {
      started += 1;
      if (started > MAX_ELEMENTS_PER_STEP && !failure) {
        failure = new Error(`more than ${MAX_ELEMENTS_PER_STEP} elements ran in one step (a loop without a wait state?)`);
        engine.stop();
      }
      void api;
    });
    listener.on('activity.wait', (api: ElementApi) => {
      if (api.type !== 'bpmn:UserTask') return;
      try {
        waits.set(api.executionId, readTaskWait(api as never, this.clock));
        left.delete(api.executionId);
      } catch (err) {
        failure = new Error(`task ${api.id}: ${(err as Error).message}`, { cause: err });
      }
    });
    const onLeave = (api: ElementApi) => {
      if (api.type === 'bpmn:UserTask') {
        waits.delete(api.executionId);
        left.add(api.executionId);
      }
    };
    listener.on('activity.leave', onLeave);
    listener.on('activity.discard', onLeave);
    listener.on('activity.end', (api: ElementApi) => {
      path.push({ elementId: api.id, type: api.type, name: api.name ?? null });
      if (api.type === 'bpmn:EndEvent') endElementId = api.id;
    });
    listener.on('activity.timeout', (api: ElementApi) => {
      const c = api.content ?? {};
      timersFired.push({
        elementId: api.id,
        executionId: String(c.executionId ?? api.executionId),
        expireAt: new Date((c.expireAt as string | Date | undefined) ?? this.clock.now()),
      });
    });

    // Whatever the engine throws (a loop without a wait state overflows the stack
    // before any guard can stop it) is a failed step, reported as engine_error: never a 500 without an incident.
    const guarded = async (act: () => Promise<unknown> | void) => {
      try {
        await act();
        await settle(engine, () => ended || failure !== null);
      } catch (err) {
        failure ??= err as Error;
      }
    };
    await guarded(async () => {
      if (input.state) {
        engine.recover(structuredClone(input.state));
        await engine.resume({ listener });
      } else {
        await engine.execute({ listener, variables: input.startVariables ?? {} });
      }
    });

    if (input.signal && !failure) {
      const waiting = engine.execution?.getPostponed?.().some((a: ElementApi) => a.executionId === input.signal!.executionId);
      if (!waiting) {
        throw new AppError('task_not_waiting', 'This task is no longer waiting in its case (it was completed or cancelled).', {
          status: 409,
        });
      }
      await guarded(() => engine.execution!.signal({ ...input.signal!.variables, executionId: input.signal!.executionId }));
    }

    if (failure) {
      throw new AppError('engine_error', `The process could not continue: ${(failure as Error).message}`, {
        status: 500,
        cause: failure,
      });
    }

    const state = (await engine.getState()) as EngineState;
    for (const d of state.definitions ?? []) delete d.source; // cached by definition id instead
    const variables = liveVariables(engine);
    return {
      state,
      completed: ended,
      endElementId,
      variables,
      waits: [...waits.values()],
      left: [...left],
      timersFired,
      nextWakeAt: ended ? null : timers.nextExpireAt(),
      path,
    };
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

async function settle(engine: EngineLike, done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (done() || engine.activityStatus !== 'executing') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the engine did not settle');
}
