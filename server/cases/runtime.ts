import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { EnginePool, type PoolOptions, type PoolResult, type PoolStep } from '../sandbox/index.ts';
import { definitionXml, latestDefinitionFor, LatestDefinitions, type DefinitionRow } from '../definitions/index.ts';
import type { StepHook } from './save-step.ts';

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
  /** Containment of a case's own timers (README "Security boundary"). */
  limits: CaseLimits;
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
  limits?: Partial<CaseLimits>;
}): CaseRuntime {
  const latest = new LatestDefinitions(opts.clock);
  const log = opts.log ?? (() => undefined);
  const runner = new EnginePool({ log, ...opts.pool });
  return {
    knex: opts.knex,
    clock: opts.clock,
    runner,
    node: opts.node,
    onWakeChanged: opts.onWakeChanged ?? (() => undefined),
    onStep: opts.onStep,
    log,
    limits: { timersPerHour: 60, wakeFailures: 3, ...opts.limits },
    step: ({ db, ...step }) => runner.run({ ...step, loadXml: () => definitionXml(db ?? opts.knex, step.definitionId) }, () => opts.clock.now()),
    latestDefinition: (regionId, key) => latest.get(opts.knex, regionId, key, latestDefinitionFor),
  };
}
