import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { EnginePool, type PoolOptions, type PoolResult, type PoolStep } from '../sandbox/index.ts';
import { definitionXml, latestDefinitionFor, LatestDefinitions, type DefinitionRow } from '../definitions/index.ts';
import type { StepHook } from './save-step.ts';
import { createLogs, type Logger, type Logs, type LogScope } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { StepFailure } from '../engine/index.ts';
import type { RegionRules } from '../rules/index.ts';

/** One engine step as the case code asks for it; `db` reads the definition inside the caller's transaction. */
export type CaseStep = Omit<PoolStep, 'loadXml'> & { db?: Knex };

/** Everything a case step needs; built once per app by `createCaseRuntime`. */
export interface CaseRuntime {
  knex: Knex;
  clock: Clock;
  /** Engine steps run in worker threads under a time and heap budget (server/sandbox). */
  runner: EnginePool;
  /** This process's name in locks and timer records. */
  node: string;
  /** Called after a commit that set an earlier wake-up, so idle schedulers look again. */
  onWakeChanged: (at: Date) => void;
  /** Runs inside every saved step (SLA clocks); returns events for the case timeline. */
  onStep?: StepHook;
  /**
   * Runs one engine step in the pool. Inside a transaction pass it as `db`: on
   * PGlite (one connection) a read through the pool would wait forever for the
   * connection the transaction holds, and on PostgreSQL a burst of cold-cache
   * steps can exhaust the pool. Rejects with a StepFailure when the step fails.
   */
  step(input: CaseStep): Promise<PoolResult>;
  /** The definition a new case of (region, key) runs: the region's latest version, else default's; cached (latest-cache.ts). */
  latestDefinition(regionId: string, key: string): Promise<DefinitionRow>;
  log: (msg: string) => void;
  /** JSON log lines; put the case in the call's object (`{ caseId }`), or fill `logScope` to name it on every line after. */
  logger: Logger;
  /** The scope of the request or timer batch at work: the case code fills in the case, task and region it locks. */
  logScope: LogScope;
  /** Engine step and timer series (server/metrics); absent in a runtime built outside an app. */
  metrics?: Metrics;
  /** Containment of a case's own timers (README "Security boundary"). */
  limits: CaseLimits;
  /** The regions' rules (intake checks channel and request type); absent: the code's defaults. */
  rules?: Pick<RegionRules, 'of'>;
}

export interface CaseLimits {
  /** Timer firings one case may have in an hour; the next is an incident (default 60). */
  timersPerHour: number;
  /** Transient failures of a timer step (a write error, a lost worker) before it becomes an incident (default 3). */
  wakeFailures: number;
}

export function createCaseRuntime(opts: {
  knex: Knex;
  clock: Clock;
  node: string;
  pool?: PoolOptions;
  onWakeChanged?: (at: Date) => void;
  onStep?: StepHook;
  log?: (msg: string) => void;
  /** The app's logging; absent: silent (a runtime of a test of its own). */
  logs?: Logs;
  metrics?: Metrics;
  limits?: Partial<CaseLimits>;
  rules?: Pick<RegionRules, 'of'>;
}): CaseRuntime {
  const latest = new LatestDefinitions(opts.clock);
  const logs = opts.logs ?? createLogs({ node: opts.node, level: 'silent' });
  const log = opts.log ?? logs.log;
  const { metrics } = opts;
  const runner = new EnginePool({ log, ...opts.pool });
  return {
    knex: opts.knex,
    clock: opts.clock,
    runner,
    node: opts.node,
    onWakeChanged: opts.onWakeChanged ?? (() => undefined),
    onStep: opts.onStep,
    log,
    logger: logs.logger,
    logScope: logs.scope,
    metrics,
    limits: { timersPerHour: 60, wakeFailures: 3, ...opts.limits },
    rules: opts.rules,
    step: async ({ db, ...step }) => {
      const run = runner.run({ ...step, loadXml: () => definitionXml(db ?? opts.knex, step.definitionId) }, () => opts.clock.now());
      if (!metrics) return run;
      // Wall time of the step as the caller waits for it (queue, worker, definition load), not the app's Clock.
      const started = performance.now();
      try {
        const result = await run;
        metrics.stepRan((performance.now() - started) / 1000, null);
        return result;
      } catch (err) {
        metrics.stepRan((performance.now() - started) / 1000, err instanceof StepFailure ? err.reason : 'other');
        throw err;
      }
    },
    latestDefinition: (regionId, key) => latest.get(opts.knex, regionId, key, latestDefinitionFor),
  };
}
