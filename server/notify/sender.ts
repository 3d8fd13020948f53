import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import type { Sealer } from '../crypto/index.ts';
import { claimDueNotices, settleNotice } from './outbox.ts';
import { TransportError, type Transport } from './transports/transport.ts';

export interface SenderOptions {
  knex: Knex;
  clock: Clock;
  sealer: Sealer;
  transport: Transport;
  node: string;
  log?: (msg: string) => void;
  /** Attempts before a message is `failed` (default 6: about half an hour of retries at the default delay). */
  maxAttempts?: number;
  /** First retry after this; each next one waits twice as long, at most `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claim holds a row: longer than a transport's timeout, or a slow send is sent twice. */
  leaseMs?: number;
  batch?: number;
  /** Real time between looks at the outbox when the loop runs (tests call runOnce). */
  intervalMs?: number;
}

export interface SendReport { sent: number; retried: number; failed: number }

/** The wait before attempt `attempts + 1`: base · 2^(attempts−1), capped. */
export const backoffMs = (attempts: number, base: number, max: number) => Math.min(max, base * 2 ** Math.max(0, attempts - 1));

/**
 * Sends the outbox: claims due messages, opens recipient and text, hands them to the
 * transport, marks each sent, or schedules its retry, or fails it after `maxAttempts`.
 * A transport's failure is logged and counted, never thrown: one gateway hiccup must not
 * stop the loop, and one bad number must not hold up the others.
 */
export class NotificationSender {
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly o: SenderOptions) {}

  get transportName(): string {
    return this.o.transport.name;
  }

  /** Sends what is due now, batch after batch; what it did. */
  async runOnce(): Promise<SendReport> {
    const report: SendReport = { sent: 0, retried: 0, failed: 0 };
    const batch = this.o.batch ?? 20;
    const max = this.o.maxAttempts ?? 6;
    for (;;) {
      const now = this.o.clock.now();
      const claimed = await claimDueNotices(this.o.knex, { node: this.o.node, now, leaseMs: this.o.leaseMs ?? 120_000, limit: batch });
      for (const n of claimed) {
        try {
          await this.o.transport.send({ to: this.o.sealer.open(n.recipient), text: this.o.sealer.open(n.body), caseNo: n.caseNo });
          await settleNotice(this.o.knex, n.id, this.o.node, { sent: true, now: this.o.clock.now() });
          report.sent += 1;
        } catch (err) {
          const error = (err as Error)?.message ?? String(err);
          const permanent = err instanceof TransportError && err.permanent;
          const retry = !permanent && n.attempts < max;
          const at = this.o.clock.now();
          const retryAt = retry ? new Date(at.getTime() + backoffMs(n.attempts, this.o.baseDelayMs ?? 30_000, this.o.maxDelayMs ?? 3_600_000)) : null;
          await settleNotice(this.o.knex, n.id, this.o.node, { sent: false, now: at, error, retryAt });
          if (retry) report.retried += 1;
          else report.failed += 1;
          this.o.log?.(`notify: ${n.kind} message ${n.id} of case ${n.caseNo} ${retry ? `will be retried at ${retryAt!.toISOString()}` : 'failed'} (attempt ${n.attempts}): ${error}`);
        }
      }
      // A stopping node finishes the batch it claimed (≤ `batch` messages), not the whole backlog.
      if (claimed.length < batch || this.stopping) return report;
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Ends the loop once the batch at hand is settled; the rest stays pending for the next start or node. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.runOnce();
      } catch (err) {
        // The database restarting, say: the next tick tries again.
        this.o.log?.(`notify: ${(err as Error).message}`);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.o.intervalMs ?? 5000);
      });
      if (this.timer) clearTimeout(this.timer);
      this.wake = null;
    }
  }
}
