import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { SourceCache, StepRunner, type FeelFunctions } from '../engine/index.ts';
import { definitionXml, latestDefinitionFor, LatestDefinitions, type DefinitionRow } from '../definitions/index.ts';
import type { StepHook } from './save-step.ts';

/** Everything a case step needs; built once per app by `createCaseRuntime`. */
export interface CaseRuntime {
  knex: Knex;
  clock: Clock;
  runner: StepRunner;
  sources: SourceCache;
  /** This process's name in locks and timer records. */
  node: string;
  /** Called after a commit that set an earlier wake-up, so idle schedulers look again. */
  onWakeChanged: (at: Date) => void;
  /** Runs inside every saved step (SLA clocks); returns events for the case timeline. */
  onStep?: StepHook;
  /**
   * The parsed definition. Inside a transaction pass it as `db`: on PGlite (one
   * connection) a read through the pool would wait forever for the connection the
   * transaction holds, and on PostgreSQL a burst of cold-cache steps can exhaust the pool.
   */
  sourceFor(definitionId: number, db?: Knex): Promise<unknown>;
  /** The definition a new case of (region, key) runs: the region's latest version, else default's; cached (latest-cache.ts). */
  latestDefinition(regionId: string, key: string): Promise<DefinitionRow>;
}

export function createCaseRuntime(opts: {
  knex: Knex;
  clock: Clock;
  node: string;
  functions?: FeelFunctions;
  onWakeChanged?: (at: Date) => void;
  onStep?: StepHook;
}): CaseRuntime {
  const sources = new SourceCache(opts.clock);
  const latest = new LatestDefinitions(opts.clock);
  return {
    knex: opts.knex,
    clock: opts.clock,
    runner: new StepRunner(opts.clock, opts.functions),
    sources,
    node: opts.node,
    onWakeChanged: opts.onWakeChanged ?? (() => undefined),
    onStep: opts.onStep,
    sourceFor: (definitionId, db) => sources.get(definitionId, () => definitionXml(db ?? opts.knex, definitionId)),
    latestDefinition: (regionId, key) => latest.get(opts.knex, regionId, key, latestDefinitionFor),
  };
}
