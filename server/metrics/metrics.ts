import type { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STEP_FAILURE_REASONS } from '../engine/index.ts';

/** Values read when Prometheus scrapes, not pushed: counters the engine keeps anyway, pool sizes, the due backlog. */
export interface MetricSources {
  /** The engine pool's own counters (server/sandbox/pool.ts). */
  engine?: { liveStats: { hits: number; misses: number }; budgetStats: { timeouts: number; outOfMemory: number; lost: number } };
  /** knex connection pools by name ('primary', 'replica'). */
  pools?: Record<string, Knex>;
  /** Open cases whose wake-up is due now: one count over the partial index the scheduler claims from. */
  dueTimers?: () => Promise<number>;
}

/** Seconds buckets: HTTP answers and engine steps (ms to the step budget), timer lag (a poll to a day), sweeps. */
const FAST = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG = [0.1, 0.5, 1, 2, 5, 15, 60, 300, 900, 3600, 21600, 86400];
const SWEEP = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60];

/**
 * The Prometheus series of one app, in a registry of its own (tests run many
 * apps in one process; prom-client's global registry would mix them). Every
 * name starts with `bangni_`. Parts of the app report through the methods
 * below; what is cheaper to read than to count is read at scrape time
 * (`watch`). Durations are measured on the monotonic clock, not the app's
 * Clock: they time this process's work, which a ManualClock never sees pass.
 */
export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};
  private processMetrics = false;
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly step: Histogram<'outcome'>;
  private readonly stepFailures: Counter<'reason'>;
  private readonly timerLag: Histogram;
  private readonly timerFailures: Counter;
  private readonly sweep: Histogram;
  private readonly breaches: Counter<'by'>;
  private readonly warnings: Counter<'by'>;

  constructor() {
    const registers = [this.registry];
    const self = this;
    this.http = new Histogram({
      name: 'bangni_http_request_duration_seconds', help: 'HTTP answers by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'], buckets: FAST, registers,
    });
    this.step = new Histogram({ name: 'bangni_engine_step_duration_seconds', help: 'Engine steps (start, signal, timer) in the worker pool, by outcome (ok, failed).', labelNames: ['outcome'], buckets: FAST, registers });
    this.stepFailures = new Counter({ name: 'bangni_engine_step_failures_total', help: 'Failed engine steps by reason (step_timeout, engine_error, timer_rate, ...; other: not a StepFailure).', labelNames: ['reason'], registers });
    new Counter({
      name: 'bangni_engine_live_steps_total', help: 'Signal steps that ran on a kept live engine (hit) or had to recover one from the saved state (miss).', labelNames: ['result'], registers,
      collect() {
        const s = self.sources.engine?.liveStats;
        if (!s) return;
        this.reset();
        this.inc({ result: 'hit' }, s.hits);
        this.inc({ result: 'miss' }, s.misses);
      },
    });
    new Counter({
      name: 'bangni_engine_workers_replaced_total', help: 'Engine workers terminated and replaced, by reason (step_timeout, step_memory, worker_lost).', labelNames: ['reason'], registers,
      collect() {
        const s = self.sources.engine?.budgetStats;
        if (!s) return;
        this.reset();
        this.inc({ reason: 'step_timeout' }, s.timeouts);
        this.inc({ reason: 'step_memory' }, s.outOfMemory);
        this.inc({ reason: 'worker_lost' }, s.lost);
      },
    });
    this.timerLag = new Histogram({ name: 'bangni_timer_lag_seconds', help: 'How late a case\'s wake-up was claimed: claim time minus due time.', buckets: LAG, registers });
    this.timerFailures = new Counter({ name: 'bangni_timer_failures_total', help: 'Cases whose timer step failed in a batch (each then set aside: an incident or a later retry).', registers });
    new Gauge({
      name: 'bangni_timers_due', help: 'Open cases whose wake-up is due now and not yet claimed (the due backlog).', registers,
      async collect() {
        if (!self.sources.dueTimers) return;
        // A database that does not answer leaves the last value: the scrape itself still succeeds.
        const n = await self.sources.dueTimers().catch(() => null);
        if (n !== null) this.set(n);
      },
    });
    this.sweep = new Histogram({ name: 'bangni_sla_sweep_duration_seconds', help: 'SLA sweeps run by this node (the node that claimed the minute).', buckets: SWEEP, registers });
    this.breaches = new Counter({ name: 'bangni_sla_breaches_recorded_total', help: 'SLA breaches recorded by this node: by the sweep, or by the step that ended a late task or case.', labelNames: ['by'], registers });
    this.warnings = new Counter({ name: 'bangni_sla_warnings_recorded_total', help: 'SLA warnings (催办) recorded by this node\'s sweeps.', labelNames: ['by'], registers });
    new Gauge({
      name: 'bangni_db_pool_connections', help: 'Database connections by pool (primary, replica) and state (used, free, pending_acquires, pending_creates). PGlite is one connection.', labelNames: ['pool', 'state'], registers,
      collect() {
        this.reset();
        for (const [pool, knex] of Object.entries(self.sources.pools ?? {})) {
          const p = poolOf(knex);
          if (!p) continue;
          this.set({ pool, state: 'used' }, p.numUsed());
          this.set({ pool, state: 'free' }, p.numFree());
          this.set({ pool, state: 'pending_acquires' }, p.numPendingAcquires());
          this.set({ pool, state: 'pending_creates' }, p.numPendingCreates());
        }
      },
    });
    new Gauge({
      name: 'bangni_db_pool_max', help: 'Largest size of each database connection pool.', labelNames: ['pool'], registers,
      collect() {
        this.reset();
        for (const [pool, knex] of Object.entries(self.sources.pools ?? {})) {
          const p = poolOf(knex);
          if (p) this.set({ pool }, p.max);
        }
      },
    });
    // Every known label value from zero, so a rate() or an alert sees the series before its first event.
    for (const outcome of ['ok', 'failed']) this.step.zero({ outcome });
    for (const reason of [...Object.keys(STEP_FAILURE_REASONS), 'other']) this.stepFailures.inc({ reason }, 0);
    for (const by of ['sweep', 'step']) {
      this.breaches.inc({ by }, 0);
      this.warnings.inc({ by }, 0);
    }
  }

  /** Adds what is read at each scrape. */
  watch(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** The exposition text (Prometheus 0.0.4) and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    // Node's process series start with the first scrape: each start costs an event-loop-delay monitor and a GC
    // observer that live as long as the process, so test apps that are never scraped do not pile them up.
    if (!this.processMetrics) {
      this.processMetrics = true;
      collectDefaultMetrics({ register: this.registry, prefix: 'bangni_' });
    }
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  httpAnswered(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  /** One engine step; `failure` is its StepFailure reason ('other' for anything else), null when it succeeded. */
  stepRan(seconds: number, failure: string | null): void {
    this.step.observe({ outcome: failure === null ? 'ok' : 'failed' }, seconds);
    if (failure !== null) this.stepFailures.inc({ reason: failure });
  }

  /** Wake-ups claimed by a committed timer batch: how late each was, in seconds. */
  timersClaimed(lagsSeconds: number[]): void {
    for (const s of lagsSeconds) this.timerLag.observe(Math.max(0, s));
  }

  timerFailed(): void {
    this.timerFailures.inc();
  }

  slaSwept(seconds: number, recorded: { warnings: number; breaches: number }): void {
    this.sweep.observe(seconds);
    this.slaRecorded('sweep', recorded);
  }

  slaRecorded(by: 'sweep' | 'step', recorded: { warnings: number; breaches: number }): void {
    if (recorded.breaches) this.breaches.inc({ by }, recorded.breaches);
    if (recorded.warnings) this.warnings.inc({ by }, recorded.warnings);
  }
}

/** The subset of tarn's Pool (knex's pool) read here. */
interface PoolLike {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

function poolOf(knex: Knex): PoolLike | null {
  const pool = (knex.client as { pool?: PoolLike }).pool;
  return pool && typeof pool.numUsed === 'function' ? pool : null;
}
