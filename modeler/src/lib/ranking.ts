/**
 * 考核排名: the order of the audit page's ranking tables (issue 13 item 4). Pure, so the
 * order is tested without a browser (test/unit/modeler/ranking.test.ts).
 */

/** The four rates the 12345 考核 ranks units by (办结率 is a volume, not a 考核 rate). */
export const RANKED_RATES = ['responseRate', 'resolutionRate', 'satisfactionRate', 'onTimeClosureRate'] as const;
export type RankedRate = (typeof RANKED_RATES)[number];
export type RankOrder = 'worst' | 'best';

/** One row of GET /metrics' `byGroup` / `byCategory`. */
export interface Breakdown {
  key: string;
  counts: Record<string, number | null>;
  rates: Record<string, number | null>;
}

export const isRankedRate = (v: unknown): v is RankedRate => (RANKED_RATES as readonly unknown[]).includes(v);

/**
 * Rows by `rate`, worst or best first. A row without a figure for the rate (nothing due or
 * evaluated yet) is not "0 %": it goes last either way, so it never heads a list of the worst.
 * Ties go to the row with more cases (the larger base weighs more), then by code.
 */
export function rankRows<T extends Breakdown>(rows: readonly T[], rate: RankedRate, order: RankOrder): T[] {
  const sign = order === 'worst' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a.rates[rate];
    const y = b.rates[rate];
    if (x == null || y == null) return x == null && y == null ? tie(a, b) : x == null ? 1 : -1;
    return sign * (x - y) || tie(a, b);
  });
}

const tie = (a: Breakdown, b: Breakdown) => Number(b.counts.received ?? 0) - Number(a.counts.received ?? 0) || a.key.localeCompare(b.key);
