import { AppError } from '../errors/index.ts';

/**
 * Why an engine step was given up. Each is the model's doing (or a lost worker),
 * never the caller's: the step is rolled back and the case gets an incident.
 */
export const STEP_FAILURE_REASONS = {
  step_timeout: 'the step ran past its time budget',
  step_memory: 'the step ran out of its memory budget',
  step_loop: 'too many elements ran in one step (a loop without a wait state?)',
  engine_error: 'the process failed in the engine',
  timer_rejected: 'a timer computed at run time is not allowed',
  timer_rate: 'the case fired too many timers in an hour',
  state_too_large: 'the case state grew past its limit',
  worker_lost: 'the engine worker stopped during the step',
  repeated_failure: 'the step failed again and again',
} as const;
export type StepFailureReason = keyof typeof STEP_FAILURE_REASONS;

/**
 * A failed engine step, with the element it failed at when known. A 409: the
 * case cannot move on until staff act on its incident; the request itself was fine.
 */
export class StepFailure extends AppError {
  readonly reason: StepFailureReason;
  readonly elementId: string | null;

  constructor(reason: StepFailureReason, message: string, opts: { elementId?: string | null; cause?: unknown } = {}) {
    super('step_failed', `The case's process could not continue${opts.elementId ? ` at ${opts.elementId}` : ''}: ${message}`, {
      status: 409,
      details: { reason, elementId: opts.elementId ?? null },
      cause: opts.cause,
    });
    this.reason = reason;
    this.elementId = opts.elementId ?? null;
  }

  /** The reason's own words plus what happened, for incident rows and timelines. */
  get detail(): string {
    return this.message;
  }
}

/** A timer the runtime refuses (bpmn-elements turns the throw into a failed step). */
export class TimerRejected extends Error {
  readonly code = 'timer_rejected';
}

/** What crosses the worker boundary for a failure; `revive` turns it back into an error. */
export type SerializedError =
  | { kind: 'step'; reason: StepFailureReason; message: string; elementId: string | null }
  | { kind: 'app'; code: string; message: string; status: number; details: unknown };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof StepFailure) return { kind: 'step', reason: err.reason, message: rawMessage(err), elementId: err.elementId };
  if (err instanceof AppError) return { kind: 'app', code: err.code, message: err.message, status: err.status, details: err.details };
  return { kind: 'step', reason: 'engine_error', message: err instanceof Error ? err.message : String(err), elementId: null };
}

export function reviveError(e: SerializedError): AppError {
  if (e.kind === 'step') return new StepFailure(e.reason, e.message, { elementId: e.elementId });
  return new AppError(e.code, e.message, { status: e.status, details: e.details });
}

/** The message a StepFailure was made with, without its prefix (so a revived one reads the same). */
function rawMessage(err: StepFailure): string {
  const at = err.message.indexOf(': ');
  return at >= 0 ? err.message.slice(at + 2) : err.message;
}
