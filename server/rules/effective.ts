import { DEFAULT_REGION, FALLBACK_RULES, RULE_NAMES, overridesSchema, type Overrides, type RuleName, type Rules } from './schema.ts';

/** Where an effective value comes from: the region's own override, `default`'s, or the code's fallback. */
export type RuleSource = 'region' | 'default' | 'code';

export interface EffectiveRules {
  region: string;
  rules: Rules;
  source: Record<RuleName, RuleSource>;
  /** What the region itself stores. */
  overrides: Overrides;
  /** What each rule would be without the region's override (what a reset gives). */
  inherited: Rules;
}

/**
 * The rules of `region`: its own overrides over `default`'s over the code's fallback. A stored
 * value that no longer passes the schema (a rule tightened after it was saved) is skipped, so
 * one bad row never stops a case step.
 */
export function effectiveRules(region: string, stored: (id: string) => unknown): EffectiveRules {
  const own = validOverrides(stored(region));
  const parent = region === DEFAULT_REGION ? {} : validOverrides(stored(DEFAULT_REGION));
  const rules = {} as Record<RuleName, unknown>;
  const inherited = {} as Record<RuleName, unknown>;
  const source = {} as Record<RuleName, RuleSource>;
  for (const k of RULE_NAMES) {
    inherited[k] = parent[k] !== undefined ? parent[k] : FALLBACK_RULES[k];
    rules[k] = own[k] !== undefined ? own[k] : inherited[k];
    source[k] = own[k] !== undefined ? 'region' : parent[k] !== undefined ? 'default' : 'code';
  }
  return { region, rules: rules as Rules, source, overrides: own, inherited: inherited as Rules };
}

/** The valid overrides in a stored row (jsonb may come back as text from some drivers). */
export function validOverrides(raw: unknown): Overrides {
  const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!value || typeof value !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const k of RULE_NAMES) {
    const one = overridesSchema.shape[k].safeParse((value as Record<string, unknown>)[k]);
    if (one.success && one.data !== undefined) out[k] = one.data;
  }
  return out as Overrides;
}
