/**
 * Metrics over a period: volumes, 三率, 按期办结率 and median handling time,
 * overall and per region, group and category. The query reads one row per
 * case (its clocks and its evaluation); `computeMetrics` is a pure function of
 * those rows and METRICS, so the formulas are tested without a database.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { METRICS, type RateName } from './metrics-config.ts';
import { instantParam, type RegionScope } from './period.ts';

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
  createdAt: Date;
  closedAt: Date | null;
  response: { due: Date; stopped: Date | null } | null;
  resolution: { started: Date; due: Date; stopped: Date | null } | null;
  evaluation: { score: number; comment: string | null; at: Date | null } | null;
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

/** Counts and rates of a set of cases, as of `asOf`. */
export function computeMetrics(cases: MetricsCase[], asOf: Date): { counts: Counts; rates: Rates } {
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
    if (k.evaluation && (k.evaluation.at == null || by(k.evaluation.at))) {
      c.evaluated += 1;
      if (k.evaluation.score >= METRICS.resolvedMinScore) c.resolvedByCitizen += 1;
      c.satisfiedWeighted += METRICS.satisfactionWeights[k.evaluation.score] ?? 0;
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

function breakdown(cases: MetricsCase[], asOf: Date, keyOf: (k: MetricsCase) => string) {
  const groups = new Map<string, MetricsCase[]>();
  for (const k of cases) {
    const key = keyOf(k);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(k);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => ({ key, ...computeMetrics(list, asOf) }));
}

/** Reads the period's cases and computes everything the endpoint returns. */
export async function metricsForPeriod(knex: Knex, scope: RegionScope, q: z.infer<typeof metricsQuerySchema>, now: Date) {
  const asOf = q.to.getTime() < now.getTime() ? q.to : now;
  const cases = await readCases(knex, scope, q);
  const { counts, rates } = computeMetrics(cases, asOf);
  return {
    period: { from: q.from.toISOString(), to: q.to.toISOString(), asOf: asOf.toISOString() },
    filters: { region: q.region ?? null, group: q.group ?? null, category: q.category ?? null },
    definitions: { version: METRICS.version, rates: METRICS.rates, satisfactionWeights: METRICS.satisfactionWeights, resolvedMinScore: METRICS.resolvedMinScore },
    counts,
    rates,
    byRegion: breakdown(cases, asOf, (k) => k.region),
    byGroup: breakdown(cases, asOf, (k) => k.group),
    byCategory: breakdown(cases, asOf, (k) => k.category),
    ...(q.raw
      ? { evaluations: cases.filter((k) => k.evaluation).map((k) => ({ caseId: k.caseId, caseNo: k.caseNo, region: k.region, group: k.group, score: k.evaluation!.score, comment: k.evaluation!.comment, at: k.evaluation!.at?.toISOString() ?? null })) }
      : {}),
  };
}

async function readCases(knex: Knex, scope: RegionScope, q: z.infer<typeof metricsQuerySchema>): Promise<MetricsCase[]> {
  const query = knex('cases as c')
    .leftJoin('sla_clocks as r', (j) => j.on('r.case_id', 'c.id').andOnVal('r.kind', 'response'))
    .leftJoin('sla_clocks as s', (j) => j.on('s.case_id', 'c.id').andOnVal('s.kind', 'resolution'))
    .joinRaw(
      `left join lateral (select t.outcome, t.ended_at from tasks t where t.case_id = c.id and t.status = 'completed' and t.element_id = any(?) order by t.ended_at desc limit 1) e on true`,
      [METRICS.evaluationElements as unknown as string[]],
    )
    .where('c.created_at', '>=', q.from)
    .where('c.created_at', '<', q.to)
    .select(
      'c.id', 'c.case_no', 'c.region_id', 'c.category', 'c.created_at', 'c.closed_at',
      knex.raw('c.variables->>? as grp', [METRICS.groupVariable]),
      'r.due_at as r_due', 'r.stopped_at as r_stopped', 's.started_at as s_started', 's.due_at as s_due', 's.stopped_at as s_stopped',
      'e.outcome as e_outcome', 'e.ended_at as e_at',
    );
  if (scope !== 'all') query.whereIn('c.region_id', scope);
  if (q.region) query.where('c.region_id', q.region);
  if (q.category) query.where('c.category', q.category);
  if (q.group) query.whereRaw('c.variables->>? = ?', [METRICS.groupVariable, q.group]);
  const rows = await query.orderBy('c.id');
  const d = (v: unknown) => (v ? new Date(v as string) : null);
  return rows.map((r) => {
    const score = Number(r.e_outcome?.score);
    return {
      caseId: Number(r.id),
      caseNo: r.case_no,
      region: r.region_id,
      group: r.grp ?? METRICS.unassignedGroup,
      category: r.category ?? '',
      createdAt: new Date(r.created_at),
      closedAt: d(r.closed_at),
      response: r.r_due ? { due: new Date(r.r_due), stopped: d(r.r_stopped) } : null,
      resolution: r.s_due ? { started: new Date(r.s_started), due: new Date(r.s_due), stopped: d(r.s_stopped) } : null,
      evaluation: r.e_outcome && Number.isInteger(score) && score >= 1 && score <= 5 ? { score, comment: r.e_outcome.comment ?? null, at: d(r.e_at) } : null,
    };
  });
}
