/**
 * The one source of time for the whole service. Domain code and SQL take `now`
 * from here (bound as a parameter), never from `Date.now()` or `now()`, so tests
 * can move time forward instead of sleeping for an SLA.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that only moves when told to; used by tests and the benchmark. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-03-02T01:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
