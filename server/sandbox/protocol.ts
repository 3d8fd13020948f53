import type { EngineState, SerializedError, StepResult, TimerPolicy } from '../engine/index.ts';
import type { SlaSnapshot } from '../sla/index.ts';

/** What a worker is started with. */
export interface WorkerInit {
  sla: SlaSnapshot | null;
  timerPolicy: TimerPolicy;
  liveEngines: number;
  maxStateBytes: number;
  /** Where the worker writes the element running now: read by the pool when it has to kill a step. */
  current: SharedArrayBuffer;
}

/** One step as sent to a worker: everything is data (no functions cross threads). */
export interface WorkerStepInput {
  name: string;
  definitionId: number;
  /** Sent only after the worker asked for it (`need-source`): it caches parsed definitions. */
  xml?: string;
  /** The saved state as JSON text, as read from PostgreSQL (`engine_state::text`): copying a string between threads is a memcpy, cloning the parsed graph is not. */
  state?: string | EngineState | null;
  startVariables?: Record<string, unknown>;
  signal?: { executionId: string; variables: Record<string, unknown> };
  cached?: { caseId: number; stateVersion: number };
  /** The main thread's clock at the step's start (ms). */
  now: number;
}

export type ToWorker =
  | { t: 'config'; sla: SlaSnapshot }
  | { t: 'step'; id: number; input: WorkerStepInput }
  | { t: 'keep'; token: number; caseId: number; stateVersion: number };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'done'; id: number; result: Omit<StepResult, 'live' | 'state'>; token: number | null; live: 'hit' | 'miss' | null }
  | { t: 'fail'; id: number; error: SerializedError }
  | { t: 'need-source'; id: number };
