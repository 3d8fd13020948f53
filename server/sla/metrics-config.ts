/**
 * 三率 and 按期办结率: every formula Bangni reports, in one place.
 *
 * Published practice differs between cities and has been "adjusted" over time
 * (see ../shared/reference/citizen-requests.md §3.4), so the definitions are
 * configuration, and the metrics endpoint always returns the raw counts next
 * to each rate (and, with `raw=true`, every evaluation answer as given).
 *
 * The population is the cases received (created) in the period; facts are
 * counted as of the period's end (or now, if earlier).
 *
 *  响应率 responseRate     = respondedOnTime / responseDue
 *     responseDue: cases whose response clock stopped, or whose response due
 *     time has passed; respondedOnTime: those whose clock stopped by its due
 *     time. (A response is the handling unit's first completed task — see
 *     clock-rules.ts.)
 *  解决率 resolutionRate   = resolvedByCitizen / evaluated
 *     evaluated: cases the citizen scored (1–5, the evaluate task);
 *     resolvedByCitizen: score ≥ resolvedMinScore. The shipped form asks for
 *     a score only, so "已解决" is read from it; change the rule here.
 *  满意率 satisfactionRate = Σ satisfactionWeights[score] / evaluated
 *     default: 满意 (5) and 基本满意 (4) count 1, the rest 0.
 *  Which evaluations count (evaluationsCounted): a case reopened (重办) is
 *     scored again; every score stays in the raw data (`raw=true`), and the
 *     rates count `latest` — the latest score per case, the default — or
 *     `every` score given.
 *  按期办结率 onTimeClosureRate = resolvedOnTime / resolutionDue
 *     resolutionDue: cases whose resolution clock stopped (the citizen was
 *     answered, or the case closed), or whose resolution due time passed;
 *     resolvedOnTime: stopped by the due time.
 *  办结率 closureRate      = closed / received
 *  medianHandlingHours: median of (answered − received) in natural hours over
 *     the cases whose resolution clock stopped.
 *
 * Rates are fractions 0–1 rounded to 4 places, null when the denominator is 0.
 *
 * Per region, the scores that count as satisfied (满意, satisfiedMinScore 4) and resolved
 * (resolvedMinScore 3), the close kinds left out of every count (excludedCloseKinds: none)
 * and evaluationsCounted are the region's rules (server/rules, GET /regions/:region/rules);
 * the values here are their defaults. Each case is counted by its own region's rules.
 */
export const METRICS = {
  version: '2026-11-27',
  satisfactionWeights: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1 } as Record<number, number>,
  resolvedMinScore: 3,
  /** Element ids of the task whose completion carries the citizen's evaluation (`score`, `comment`). */
  evaluationElements: ['evaluate'],
  evaluationsCounted: 'latest' as EvaluationsCounted,
  /** The group a case is counted under: the 承办单位 chosen at dispatch. */
  groupVariable: 'department',
  unassignedGroup: '(unassigned)',
  rates: {
    responseRate: { label: '响应率', numerator: 'respondedOnTime', denominator: 'responseDue' },
    resolutionRate: { label: '解决率', numerator: 'resolvedByCitizen', denominator: 'evaluated' },
    satisfactionRate: { label: '满意率', numerator: 'satisfiedWeighted', denominator: 'evaluated' },
    onTimeClosureRate: { label: '按期办结率', numerator: 'resolvedOnTime', denominator: 'resolutionDue' },
    closureRate: { label: '办结率', numerator: 'closed', denominator: 'received' },
  },
} as const;

/** Which of a case's evaluations the rates count: the latest per case, or every one given (重办 scores again). */
export type EvaluationsCounted = 'latest' | 'every';

export type RateName = keyof typeof METRICS.rates;
