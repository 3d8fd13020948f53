/**
 * The periodic SLA jobs on node-cron: every minute the sweep, and once a day
 * a check that next year's holiday calendar is loaded. node-cron runs on every
 * node; `job_ticks` makes each tick run on exactly one of them
 * (`INSERT … ON CONFLICT (job, tick) DO NOTHING`; the node whose insert wins
 * does the work). A missed tick costs nothing: the next sweep sees every clock
 * that came due meanwhile.
 */
import type { Knex } from 'knex';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock/index.ts';
import { sweepSla } from './sweep.ts';
import type { SlaConfigCache } from './config-cache.ts';
import type { Metrics } from '../metrics/index.ts';

/** Claims one tick of a job for this node; false when another node already has it. */
export async function claimTick(knex: Knex, job: string, tick: Date, node: string, now: Date): Promise<boolean> {
  const rows = await knex('job_ticks').insert({ job, tick, node, claimed_at: now }).onConflict(['job', 'tick']).ignore().returning(['job']);
  return rows.length > 0;
}

export interface SlaJobsDeps {
  knex: Knex;
  clock: Clock;
  node: string;
  log: (msg: string) => void;
  cache: SlaConfigCache;
  daily?: Array<{ job: string; run: () => Promise<unknown> }>;
  /** Sweep durations and what they recorded (server/metrics). */
  metrics?: Metrics;
}

export class SlaJobs {
  private task: ScheduledTask | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly deps: SlaJobsDeps) {}

  /** Whether the cron task is scheduled (tests check that stop() leaves nothing behind). */
  get scheduled(): boolean {
    return this.task !== null;
  }

  start(): void {
    if (this.task) return;
    this.task = cron.schedule('* * * * *', () => this.tick(), { name: `sla-sweep-${this.deps.node}`, noOverlap: true });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    this.task = null;
    await this.running?.catch(() => undefined);
  }

  /** One tick: what the cron calls; exported for tests and for a manual run. */
  async tick(): Promise<{ sweep: boolean; calendarCheck: boolean; daily: string[] }> {
    const { knex, clock, node, log } = this.deps;
    const now = clock.now();
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const day = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
    const work = (async () => {
      const out = { sweep: false, calendarCheck: false, daily: [] as string[] };
      try {
        if (await claimTick(knex, 'sla-sweep', minute, node, now)) {
          out.sweep = true;
          // The sweep's own duration (monotonic clock), not the app's Clock, which tests hold still.
          const started = performance.now();
          const r = await sweepSla({ knex, clock, log, runtime: { node } });
          this.deps.metrics?.slaSwept((performance.now() - started) / 1000, r);
          if (r.warnings || r.breaches) log(`sla sweep: ${r.warnings} warnings, ${r.breaches} breaches recorded`);
        }
        if (await claimTick(knex, 'calendar-check', day, node, now)) {
          out.calendarCheck = true;
          checkNextYear(this.deps.cache, now, log);
        }
        for (const d of this.deps.daily ?? []) {
          if (!(await claimTick(knex, d.job, day, node, now))) continue;
          out.daily.push(d.job);
          await d.run();
        }
      } catch (err) {
        log(`sla jobs: ${(err as Error).message}`);
      }
      return out;
    })();
    this.running = work;
    return work;
  }
}

/** Logs an alert from 1 November while next year's arrangement is not loaded (the notice usually comes in Nov/Dec). */
export function checkNextYear(cache: SlaConfigCache, now: Date, log: (msg: string) => void): number[] {
  const cal = cache.calendar('default');
  const year = Number(new Date(now.getTime() + cal.offsetMinutes * 60_000).toISOString().slice(0, 4));
  const missing = [year, year + 1].filter((y) => !cal.years.has(y));
  const month = new Date(now.getTime() + cal.offsetMinutes * 60_000).getUTCMonth();
  const alert = missing.filter((y) => y === year || month >= 10);
  if (alert.length) log(`SLA ALERT: no holiday calendar loaded for ${alert.join(', ')}; due times there are provisional (PUT /api/v1/calendar/default/<year>)`);
  return alert;
}
