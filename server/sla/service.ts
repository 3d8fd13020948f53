/**
 * The SLA part of the app, built once by createApp: the configuration cache,
 * the FEEL functions and the step hook the case runtime uses, and the
 * periodic jobs. `load()` fills the cache at start; `changed()` reloads it
 * after an admin edit here and, through NOTIFY, on every other node.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import type { FeelFunctions } from '../engine/index.ts';
import type { StepHook } from '../cases/index.ts';
import { SlaConfigCache } from './config-cache.ts';
import { slaFeelFunctions } from './feel-functions.ts';
import { slaStepHook } from './clocks.ts';
import { SlaJobs } from './cron.ts';
import type { Metrics } from '../metrics/index.ts';

export const SLA_CONFIG_CHANNEL = 'bangni_sla_config';

export interface SlaDeps {
  knex: Knex;
  clock: Clock;
  node: string;
  log: (msg: string) => void;
  listen?: (channel: string, onMessage: (payload: string) => void) => Promise<() => Promise<void>>;
  notify?: (channel: string, payload: string) => Promise<void>;
  /** Other once-a-day jobs run by the same cron, once per day across all nodes (e.g. the retention purge). */
  daily?: Array<{ job: string; run: () => Promise<unknown> }>;
  /** SLA sweeps and recorded breaches (server/metrics). */
  metrics?: Metrics;
}

export interface Sla {
  cache: SlaConfigCache;
  functions: FeelFunctions;
  onStep: StepHook;
  jobs: SlaJobs;
  load(): Promise<void>;
  /** Reload after a calendar, office-hours or limits change, here and on the other nodes. */
  changed(): Promise<void>;
  startBackground(): Promise<void>;
  stop(): Promise<void>;
}

export function createSla(deps: SlaDeps): Sla {
  const cache = new SlaConfigCache(deps.clock);
  const jobs = new SlaJobs({ ...deps, cache });
  let unlisten: (() => Promise<void>) | null = null;
  const reload = () => cache.reload(deps.knex).catch((err) => deps.log(`sla config reload failed: ${(err as Error).message}`));
  return {
    cache,
    functions: slaFeelFunctions(cache, deps.clock),
    onStep: countBreaches(slaStepHook({ cache, node: deps.node, log: deps.log }), deps.metrics),
    jobs,
    load: () => cache.reload(deps.knex),
    async changed() {
      await cache.reload(deps.knex);
      await deps.notify?.(SLA_CONFIG_CHANNEL, deps.node).catch(() => undefined);
    },
    async startBackground() {
      if (deps.listen) unlisten = await deps.listen(SLA_CONFIG_CHANNEL, (from) => from !== deps.node && void reload());
      jobs.start();
    },
    async stop() {
      await jobs.stop();
      await unlisten?.();
      unlisten = null;
    },
  };
}

/**
 * Counts the breaches a step records itself (a task or case ended after its
 * due time). Counted when the hook returns, inside the step's transaction: a
 * step that then rolls back is counted all the same, which is rare enough for
 * a rate on a dashboard (the records themselves stay exact).
 */
function countBreaches(hook: StepHook, metrics: Metrics | undefined): StepHook {
  if (!metrics) return hook;
  return async (trx, changes) => {
    const events = await hook(trx, changes);
    const breaches = events.filter((e) => e.type === 'sla.breached').length;
    if (breaches) metrics.slaRecorded('step', { breaches, warnings: 0 });
    return events;
  };
}
