import { z } from 'zod';
import { isIsoDuration } from '../duration/index.ts';

/**
 * A region's side-task rules and 三率 definitions (issue 12 item 5), as data. Each field is
 * one rule a region may override; the effective value is the region's own, else `default`'s,
 * else the fallback below — today's constants, so a database without rules behaves as before.
 */
const score = z.number().int().min(1).max(5);
const group = z.string().trim().min(1).max(60);
const groups = z.array(group).max(50).refine((xs) => new Set(xs).size === xs.length, 'each group once');

/** The region every other inherits from (server/regions). */
export const DEFAULT_REGION = 'default';

export const CLOSE_KINDS = ['not_accepted', 'emergency', 'merged'] as const;

/**
 * The three urgency codes stay in code: process models' FEEL (`urgency = "emergency"`) and the SLA
 * limits (per category and urgency) name them, so a region renames them (`urgencyNames`) but
 * never adds or removes one.
 */
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;

/**
 * Channels every region accepts whatever its list says: Bangni's own front doors send them —
 * the citizens' page (`web`) and the Open311 API (`open311`) — and a region cannot close those.
 */
export const BUILT_IN_CHANNELS = ['web', 'open311'] as const;

/** A code a case keeps (its channel, its request type): renaming the entry leaves old cases' codes valid. */
export const termCode = z.string().trim().regex(/^[a-z0-9_-]{1,30}$/, 'lower-case letters, digits, _ or -, e.g. wechat-mini');
const termName = z.string().trim().min(1).max(40);
const terms = z
  .array(z.object({ code: termCode, name: termName }))
  .min(1).max(30)
  .refine((xs) => new Set(xs.map((x) => x.code)).size === xs.length, 'each code once');

export const ruleFields = {
  reopenMaxScore: score.describe('重办: an evaluation at or below this score counts as unsatisfied and may be reopened'),
  transferTargets: z
    .array(z.object({ code: z.string().trim().regex(/^[0-9A-Za-z-]{2,12}$/, 'digits or letters, e.g. 110'), name: z.string().trim().min(1).max(40) }))
    .min(1).max(20)
    .refine((xs) => new Set(xs.map((x) => x.code)).size === xs.length, 'each code once')
    .describe('转办: where an emergency may be transferred (code and name)'),
  steeringGroups: groups.describe('Groups whose tasks are steering steps (派单, 审核, 评价): never returned (退单) or extended'),
  evaluationTimeout: z.string().refine(isIsoDuration, 'an ISO-8601 duration such as P7D').describe('How long the citizen has to evaluate before the case closes unevaluated (FEEL evaluationTimeout())'),
  responseExcludedGroups: groups.describe('响应 clock: a completed task of any other group stops it; these groups\' tasks never do'),
  answerElementPrefixes: z.array(z.string().trim().regex(/^[A-Za-z_][\w-]{0,59}$/, 'an element id prefix such as reply')).min(1).max(20)
    .describe('办结 clock: a completed task whose element id starts with one of these answered the citizen'),
  satisfiedMinScore: score.describe('满意率: an evaluation at or above this score counts as satisfied'),
  resolvedMinScore: score.describe('解决率: an evaluation at or above this score counts as resolved'),
  excludedCloseKinds: z.array(z.enum(CLOSE_KINDS)).max(3).refine((xs) => new Set(xs).size === xs.length, 'each kind once')
    .describe('三率: cases closed this way (不予受理, 转办, 并单) are left out of every count'),
  evaluationsCounted: z.enum(['latest', 'every']).describe('三率: a reopened (重办) case counts its latest evaluation, or every one given'),
  channels: terms.describe('渠道: where a request may come in (code kept on the case, name shown); intake refuses another code, except web and open311 (Bangni\'s own citizens\' page and Open311 API), accepted always'),
  requestTypes: terms.describe('诉求类型: what the caller asks for (code kept as the intake variable requestType, name shown); intake refuses another code'),
  urgencyNames: z.object(Object.fromEntries(URGENCIES.map((u) => [u, termName])) as Record<(typeof URGENCIES)[number], typeof termName>).strict()
    .describe('缓急: the names shown for the three urgencies; the codes normal, urgent, emergency are fixed (models\' FEEL and SLA limits name them)'),
};

export type RuleName = keyof typeof ruleFields;
export const RULE_NAMES = Object.keys(ruleFields) as RuleName[];

/** Every rule with a value. */
export const rulesSchema = z.object(ruleFields);
export type Rules = z.infer<typeof rulesSchema>;

/** What a region stores: only the rules it overrides. */
export const overridesSchema = rulesSchema.partial();
export type Overrides = z.infer<typeof overridesSchema>;

/** PUT body: the rules to override; null removes the override (the value is inherited again). */
export const rulesPatchSchema = z.object(
  Object.fromEntries(RULE_NAMES.map((k) => [k, ruleFields[k].nullable().optional()])) as { [K in RuleName]: z.ZodOptional<z.ZodNullable<(typeof ruleFields)[K]>> },
).strict();
export type RulesPatch = z.infer<typeof rulesPatchSchema>;

/** Today's constants: what applies when neither the region nor `default` overrides a rule. */
export const FALLBACK_RULES: Rules = {
  reopenMaxScore: 2,
  transferTargets: [
    { code: '110', name: '公安' },
    { code: '119', name: '消防' },
    { code: '120', name: '急救' },
    { code: '122', name: '交警' },
  ],
  steeringGroups: ['dispatchers', 'leaders', 'citizen'],
  evaluationTimeout: 'P7D',
  responseExcludedGroups: ['dispatchers', 'citizen', 'leaders'],
  answerElementPrefixes: ['reply'],
  satisfiedMinScore: 4,
  resolvedMinScore: 3,
  excludedCloseKinds: [],
  evaluationsCounted: 'latest',
  channels: [
    { code: 'hotline', name: '12345热线' },
    { code: 'walk-in', name: '来访' },
    { code: 'web', name: '网站' },
    { code: 'app', name: '手机应用' },
    { code: 'mini-program', name: '小程序' },
  ],
  requestTypes: [
    { code: 'consult', name: '咨询' },
    { code: 'help', name: '求助' },
    { code: 'complaint', name: '投诉' },
    { code: 'report', name: '举报' },
    { code: 'suggestion', name: '建议' },
  ],
  urgencyNames: { normal: '一般', urgent: '紧急', emergency: '特急' },
};
