export { rulesSchema, overridesSchema, rulesPatchSchema, FALLBACK_RULES, RULE_NAMES, CLOSE_KINDS, URGENCIES, BUILT_IN_CHANNELS, termCode } from './schema.ts';
export type { Rules, Overrides, RulesPatch, RuleName } from './schema.ts';
export { effectiveRules } from './effective.ts';
export type { EffectiveRules, RuleSource } from './effective.ts';
export { RulesCache } from './cache.ts';
export type { RulesSnapshot } from './cache.ts';
export { createRules, RULES_TTL_MS } from './service.ts';
export type { RegionRules, RulesView, RuleView } from './service.ts';
