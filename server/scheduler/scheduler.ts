import type { CaseRuntime } from '../cases/index.ts';
import { fireDueTimers, nextWakeAt, TIMER_BATCH } from './fire-due.ts';

export const WAKE_CHANNEL = 'bangni_wake';

export interface SchedulerOptions {
  batch?: number;
  /** Longest sleep between looks at the table when nothing is due (the fallback to NOTIFY). */
  maxIdleMs?: number;
  listen?: (channel: string, onMessage: (payload: string) => void) => Promise<() => Promise<void>>;
  log?: (msg: string) => void;
}

/**
 * Fires due timers in a loop: sleeps until the earliest wake-up (at most
 * `maxIdleMs`), and wakes early when any node NOTIFYs an earlier one. Tests do
 * not start it: they move the clock and call `runOnce()`.
 */
export class Scheduler {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  fired = 0;

  constructor(private readonly rt: CaseRuntime, private readonly opts: SchedulerOptions = {}) {}

  /** Fires everything due now; returns the number of cases resumed. */
  async runOnce(): Promise<number> {
    return this.fireDue(() => false);
  }

  /**
   * Batch after batch until nothing is due, unless `stopping` says otherwise:
   * it is asked between batches and between the cases of one, so a stopping
   * node finishes the case at hand, not a backlog of thousands (issue 14).
   */
  private async fireDue(stopping: () => boolean): Promise<number> {
    let total = 0;
    const batch = this.opts.batch ?? TIMER_BATCH;
    while (!stopping()) {
      const { claimed } = await fireDueTimers(this.rt, batch, { stopping });
      total += claimed;
      if (claimed < batch) break;
    }
    return total;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.opts.listen) this.unlisten = await this.opts.listen(WAKE_CHANNEL, () => this.poke());
    this.loop = this.run();
  }

  /** Wakes the loop now (a commit set an earlier wake-up in this process). */
  poke(): void {
    this.wake?.();
  }

  /** Ends the loop once the case it is firing is saved; the rest of the due backlog stays due for the next start or node. */
  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    await this.unlisten?.();
    this.unlisten = null;
    this.loop = null;
  }

  private async run(): Promise<void> {
    const maxIdle = this.opts.maxIdleMs ?? 1000;
    while (this.running) {
      let sleepMs = maxIdle;
      try {
        this.fired += await this.fireDue(() => !this.running);
        const next = await nextWakeAt(this.rt.knex);
        if (next) sleepMs = Math.max(0, Math.min(maxIdle, next.getTime() - this.rt.clock.now().getTime()));
      } catch (err) {
        // One bad tick (database restarting, say) never ends the loop.
        this.opts.log?.(`scheduler: ${(err as Error).message}`);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, sleepMs);
      });
      if (this.timer) clearTimeout(this.timer);
      this.wake = null;
    }
  }
}
