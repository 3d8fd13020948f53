import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { notFound } from '../errors/index.ts';
import type { RulesCache } from './cache.ts';
import type { RuleSource } from './effective.ts';
import { RULE_NAMES, type RuleName, type Rules, type RulesPatch } from './schema.ts';
import { putOverrides } from './store.ts';

/**
 * How old the rules a node reads may be when the NOTIFY of another node's change was missed
 * (a dropped LISTEN connection): readers outside a case step reload a copy older than this.
 */
export const RULES_TTL_MS = 30_000;

export interface RuleView {
  value: unknown;
  /** The region has no override: the value is `default`'s or the code's. */
  inherited: boolean;
  from: RuleSource;
  /** The value a reset (null) gives. */
  inheritedValue: unknown;
}

export interface RulesView {
  region: string;
  rules: Record<RuleName, RuleView>;
}

export interface RegionRules {
  /** The region's effective rules, reloaded first when this node's copy is older than the TTL. */
  of(region: string | null | undefined): Promise<Rules>;
  /**
   * From memory, for code that cannot wait (inside a transaction or a case step); a copy
   * older than the TTL is reloaded in the background for the next reader.
   */
  cached(region: string | null | undefined): Rules;
  view(region: string): Promise<RulesView>;
  put(region: string, patch: RulesPatch, actor: string): Promise<RulesView>;
}

export interface RulesDeps {
  knex: Knex;
  clock: Clock;
  cache: RulesCache;
  /** Reloads this node's cache (with the SLA configuration it travels with). */
  reload(): Promise<void>;
  /** Reloads here and tells the other nodes (the SLA configuration's NOTIFY). */
  changed(): Promise<void>;
}

export function createRules(deps: RulesDeps): RegionRules {
  // One reload at a time: every reader that finds the copy stale waits for the same one.
  let loading: Promise<void> | null = null;
  const fresh = async () => {
    if (!deps.cache.stale(RULES_TTL_MS)) return;
    loading ??= deps.reload().finally(() => (loading = null));
    await loading;
  };
  const view = (region: string): RulesView => {
    const e = deps.cache.for(region);
    const rules = {} as Record<RuleName, RuleView>;
    for (const k of RULE_NAMES) rules[k] = { value: e.rules[k], inherited: e.source[k] !== 'region', from: e.source[k], inheritedValue: e.inherited[k] };
    return { region, rules };
  };
  return {
    async of(region) {
      await fresh();
      return deps.cache.for(region).rules;
    },
    cached(region) {
      if (deps.cache.stale(RULES_TTL_MS)) void fresh().catch(() => undefined);
      return deps.cache.for(region).rules;
    },
    async view(region) {
      if (!(await deps.knex('regions').where({ id: region }).first('id'))) throw notFound('Region', region);
      await fresh();
      return view(region);
    },
    async put(region, patch, actor) {
      await putOverrides(deps.knex, region, patch, actor, deps.clock.now());
      // At once here; on the other nodes with the NOTIFY, or within the TTL should they miss it.
      await deps.changed();
      return view(region);
    },
  };
}
