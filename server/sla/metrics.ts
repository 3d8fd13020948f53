/**
 * Metrics over a period: volumes, 三率, 按期办结率 and median handling time,
 * overall and per region, group and category. The query reads one row per
 * case (its clocks and its evaluation); `computeMetrics` is a pure function of
 * those rows and METRICS, so the formulas are tested without a database.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { METRICS, type EvaluationsCounted, type RateName } from './metrics-config.ts';
import { latestCaseClock } from '../cases/index.ts';
import { instantParam, periodInstants, regionZone, wherePeriod, type RegionScope } from './period.ts';
import { FALLBACK_RULES, type Rules } from '../rules/index.ts';
import { unitNamesIn } from '../units/index.ts';

export const metricsQuerySchema = z.object({
  region: z.string().max(40).optional(),
  from: instantParam,
  to: instantParam,
  group: z.string().max(60).optional(),
  category: z.string().max(40).optional(),
  raw: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});

export interface MetricsCase {
  caseId: number;
  caseNo: string;
  region: string;
  group: string;
  category: string;
  /** The category's catalogue path as the case was taken in ("市政设施 / 路灯"), if it has one. */
  categoryName?: string | null;
  createdAt: Date;
  closedAt: Date | null;
  response: { due: Date; stopped: Date | null } | null;
  resolution: { started: Date; due: Date; stopped: Date | null } | null;
  /** How a case closed from outside its process (not_accepted, emergency, merged), if it did. */
  closeKind?: string | null;
  /** Every evaluation the citizen gave, oldest first (a reopened case has one per round). */
  evaluations: Evaluation[];
}

/** 满意率's weight per score: 1 at or above the region's satisfied score, else 0. */
const weights = (min: number) => Object.fromEntries([1, 2, 3, 4, 5].map((s) => [s, s >= min ? 1 : 0]));

export interface Evaluation {
  score: number;
  comment: string | null;
  at: Date | null;
}

export interface Counts {
  received: number;
  closed: number;
  open: number;
  responseDue: number;
  respondedOnTime: number;
  resolutionDue: number;
  resolvedOnTime: number;
  evaluated: number;
  resolvedByCitizen: number;
  satisfiedWeighted: number;
  medianHandlingHours: number | null;
}

export type Rates = Record<RateName, number | null>;

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A region's 三率 definitions: its rules (server/rules), whose defaults are METRICS' values. */
export type MetricRules = Pick<Rules, 'satisfiedMinScore' | 'resolvedMinScore' | 'excludedCloseKinds' | 'evaluationsCounted'>;
export type MetricRulesOf = (region: string) => MetricRules;

const codeRules = (counted: EvaluationsCounted): MetricRulesOf => {
  const r = { ...pickMetricRules(FALLBACK_RULES), evaluationsCounted: counted };
  return () => r;
};

export const pickMetricRules = (r: MetricRules): MetricRules =>
  ({ satisfiedMinScore: r.satisfiedMinScore, resolvedMinScore: r.resolvedMinScore, excludedCloseKinds: r.excludedCloseKinds, evaluationsCounted: r.evaluationsCounted });

/**
 * Counts and rates of a set of cases, as of `asOf`. Each case is judged by its region's
 * definitions (`rules`); a plain `counted` keeps the code's definitions and says which
 * evaluations of a case count.
 */
export function computeMetrics(all: MetricsCase[], asOf: Date, rules: EvaluationsCounted | MetricRulesOf = METRICS.evaluationsCounted): { counts: Counts; rates: Rates } {
  const rulesOf = typeof rules === 'function' ? rules : codeRules(rules);
  // 不予受理 / 转办 / 并单 a region leaves out are in no count, numerator or denominator.
  const cases = all.filter((k) => !(k.closeKind && (rulesOf(k.region).excludedCloseKinds as string[]).includes(k.closeKind)));
  const by = (d: Date | null | undefined) => d != null && d.getTime() <= asOf.getTime();
  const c: Counts = { received: cases.length, closed: 0, open: 0, responseDue: 0, respondedOnTime: 0, resolutionDue: 0, resolvedOnTime: 0, evaluated: 0, resolvedByCitizen: 0, satisfiedWeighted: 0, medianHandlingHours: null };
  const handling: number[] = [];
  for (const k of cases) {
    if (by(k.closedAt)) c.closed += 1;
    if (k.response) {
      const stopped = by(k.response.stopped) ? k.response.stopped : null;
      if (stopped || by(k.response.due)) c.responseDue += 1;
      if (stopped && stopped <= k.response.due) c.respondedOnTime += 1;
    }
    if (k.resolution) {
      const stopped = by(k.resolution.stopped) ? k.resolution.stopped : null;
      if (stopped || by(k.resolution.due)) c.resolutionDue += 1;
      if (stopped && stopped <= k.resolution.due) c.resolvedOnTime += 1;
      if (stopped) handling.push((stopped.getTime() - k.resolution.started.getTime()) / 3_600_000);
    }
    const r = rulesOf(k.region);
    const given = k.evaluations.filter((e) => e.at == null || by(e.at));
    for (const e of r.evaluationsCounted === 'every' ? given : given.slice(-1)) {
      c.evaluated += 1;
      if (e.score >= r.resolvedMinScore) c.resolvedByCitizen += 1;
      if (e.score >= r.satisfiedMinScore) c.satisfiedWeighted += 1;
    }
  }
  c.open = c.received - c.closed;
  const med = median(handling);
  c.medianHandlingHours = med == null ? null : round(med, 2);
  const rates = {} as Rates;
  for (const [name, f] of Object.entries(METRICS.rates) as Array<[RateName, { numerator: keyof Counts; denominator: keyof Counts }]>) {
    const den = Number(c[f.denominator]);
    rates[name] = den > 0 ? round(Number(c[f.numerator]) / den, 4) : null;
  }
  return { counts: c, rates };
}

function breakdown(cases: MetricsCase[], asOf: Date, rulesOf: MetricRulesOf, keyOf: (k: MetricsCase) => string) {
  const groups = new Map<string, MetricsCase[]>();
  for (const k of cases) {
    const key = keyOf(k);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(k);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => ({ key, ...computeMetrics(list, asOf, rulesOf) }));
}

/** Reads the period's cases and computes everything the endpoint returns, each case by its region's definitions. */
export async function metricsForPeriod(knex: Knex, scope: RegionScope, q: z.infer<typeof metricsQuerySchema>, now: Date, rulesOf: MetricRulesOf = codeRules(METRICS.evaluationsCounted)) {
  // The period as instants in the region's zone (China time over several regions); rows are cut in their own.
  const period = periodInstants(await regionZone(knex, q.region ?? (scope !== 'all' && scope.length === 1 ? scope[0] : null)), q.from, q.to);
  const asOf = period.to.getTime() < now.getTime() ? period.to : now;
  const cases = await readCases(knex, scope, q);
  const { counts, rates } = computeMetrics(cases, asOf, rulesOf);
  const shown = rulesOf(q.region ?? 'default');
  const regions = [...new Set([...(q.region ? [q.region] : []), ...cases.map((k) => k.region)])].sort();
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString(), asOf: asOf.toISOString() },
    filters: { region: q.region ?? null, group: q.group ?? null, category: q.category ?? null },
    // The filtered region's (else default's) definitions, and each counted region's own (server/rules).
    definitions: {
      version: METRICS.version, rates: METRICS.rates, satisfactionWeights: weights(shown.satisfiedMinScore), ...pickMetricRules(shown),
      byRegion: Object.fromEntries(regions.map((id) => [id, pickMetricRules(rulesOf(id))])),
    },
    counts,
    rates,
    byRegion: breakdown(cases, asOf, rulesOf, (k) => k.region),
    byGroup: breakdown(cases, asOf, rulesOf, (k) => k.group),
    /** The units' names for byGroup's keys (server/units). */
    groupNames: await unitNamesIn(knex, regions, cases.map((k) => k.group)),
    byCategory: breakdown(cases, asOf, rulesOf, (k) => k.category),
    /** byCategory's keys named by their catalogue path (absent for a code no counted case carries a path for). */
    categoryNames: categoryNamesOf(cases),
    ...(q.raw
      ? { evaluations: cases.flatMap((k) => k.evaluations.map((e) => ({ caseId: k.caseId, caseNo: k.caseNo, region: k.region, group: k.group, score: e.score, comment: e.comment, at: e.at?.toISOString() ?? null }))) }
      : {}),
  };
}

/** `{code: "市政设施 / 路灯"}`: the path the latest counted case of each category was taken in with (cases keep the path they were taken in with, so a renamed node shows its new name once a case uses it). */
function categoryNamesOf(cases: MetricsCase[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of cases) if (k.categoryName) out[k.category] = k.categoryName;
  return out;
}

async function readCases(knex: Knex, scope: RegionScope, q: z.infer<typeof metricsQuerySchema>): Promise<MetricsCase[]> {
  const query = knex('cases as c')
    // A reopened case (重办) counts with its latest clocks; its every evaluation is read.
    .leftJoin('sla_clocks as r', (j) => j.on('r.case_id', 'c.id').andOnVal('r.kind', 'response').andOn(knex.raw(latestCaseClock('r'))))
    .leftJoin('sla_clocks as s', (j) => j.on('s.case_id', 'c.id').andOnVal('s.kind', 'resolution').andOn(knex.raw(latestCaseClock('s'))))
    .joinRaw(
      `left join lateral (select coalesce(json_agg(json_build_object('outcome', t.outcome, 'at', t.ended_at) order by t.ended_at, t.id), '[]'::json) as list from tasks t where t.case_id = c.id and t.status = 'completed' and t.element_id = any(?)) e on true`,
      [METRICS.evaluationElements as unknown as string[]],
    )
    .select(
      'c.id', 'c.case_no', 'c.region_id', 'c.category', 'c.category_path', 'c.created_at', 'c.closed_at', 'c.close_kind',
      knex.raw('c.variables->>? as grp', [METRICS.groupVariable]),
      'r.due_at as r_due', 'r.stopped_at as r_stopped', 's.started_at as s_started', 's.due_at as s_due', 's.stopped_at as s_stopped',
      'e.list as e_list',
    );
  wherePeriod(query, 'c.created_at', 'c.region_id', q.from, q.to);
  if (scope !== 'all') query.whereIn('c.region_id', scope);
  if (q.region) query.where('c.region_id', q.region);
  if (q.category) query.where('c.category', q.category);
  if (q.group) query.whereRaw('c.variables->>? = ?', [METRICS.groupVariable, q.group]);
  const rows = await query.orderBy('c.id');
  const d = (v: unknown) => (v ? new Date(v as string) : null);
  const pathName = (p: Array<{ name?: string }> | null) => (Array.isArray(p) && p.length ? p.map((n) => n.name ?? '').join(' / ') : null);
  return rows.map((r) => {
    const evaluations: Evaluation[] = [];
    for (const e of (r.e_list ?? []) as Array<{ outcome: Record<string, any> | null; at: string | null }>) {
      const score = Number(e.outcome?.score);
      if (Number.isInteger(score) && score >= 1 && score <= 5) evaluations.push({ score, comment: e.outcome?.comment ?? null, at: d(e.at) });
    }
    return {
      caseId: Number(r.id),
      caseNo: r.case_no,
      region: r.region_id,
      group: r.grp ?? METRICS.unassignedGroup,
      category: r.category ?? '',
      categoryName: pathName(r.category_path),
      createdAt: new Date(r.created_at),
      closedAt: d(r.closed_at),
      closeKind: r.close_kind ?? null,
      response: r.r_due ? { due: new Date(r.r_due), stopped: d(r.r_stopped) } : null,
      resolution: r.s_due ? { started: new Date(r.s_started), due: new Date(r.s_due), stopped: d(r.s_stopped) } : null,
      evaluations,
    };
  });
}
