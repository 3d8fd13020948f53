import type { Clock } from '../clock/index.ts';

export interface TimerRef {
  elementId: string | null;
  executionId: string | null;
  expireAt: Date;
  callback: (...args: unknown[]) => void;
  args: unknown[];
}

/**
 * The engine's timers port. It arms nothing in memory: an engine lives for one
 * step and is dropped, and a timer is a row (`cases.next_wake_at`) that the
 * scheduler claims. The port only remembers what the engine asked for, so the
 * case's earliest expiry can be saved with its state. A timer that is already
 * due by the injected clock never reaches here: the timer definition completes it
 * at once when the scheduler resumes the case.
 */
export class CaseTimers {
  private readonly refs = new Set<TimerRef>();

  constructor(private readonly clock: Clock) {}

  get executing(): TimerRef[] {
    return [...this.refs];
  }

  register(owner: { id?: string; executionId?: string; expireAt?: Date | string }) {
    return {
      setTimeout: (callback: (...a: unknown[]) => void, delay: number, ...args: unknown[]) => this.add(owner, callback, delay, args),
      clearTimeout: (ref: TimerRef) => this.clearTimeout(ref),
    };
  }

  setTimeout = (callback: (...a: unknown[]) => void, delay: number, ...args: unknown[]) => this.add(null, callback, delay, args);

  clearTimeout = (ref: TimerRef | undefined): undefined => {
    if (ref) this.refs.delete(ref);
    return undefined;
  };

  /** Earliest expiry among the timers still waiting: saved as `cases.next_wake_at`. */
  nextExpireAt(): Date | null {
    let next: Date | null = null;
    for (const ref of this.refs) if (!next || ref.expireAt < next) next = ref.expireAt;
    return next;
  }

  private add(
    owner: { id?: string; executionId?: string; expireAt?: Date | string } | null,
    callback: (...a: unknown[]) => void,
    delay: number,
    args: unknown[],
  ): TimerRef {
    const ref: TimerRef = {
      elementId: owner?.id ?? null,
      executionId: owner?.executionId ?? null,
      expireAt: owner?.expireAt ? new Date(owner.expireAt) : new Date(this.clock.now().getTime() + delay),
      callback,
      args,
    };
    this.refs.add(ref);
    return ref;
  }
}
