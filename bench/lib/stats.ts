/** Small statistics for the benchmark: every figure is a median with its spread over runs. */

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values: number[]) => percentile(values, 50);

/** One figure over repeated runs: the median, the smallest and largest run, and each run. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number[];
  unit: string;
}

export function figure(runs: number[], unit: string): Figure {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs, unit };
}

/** `123.4 (118–130)`: median and the spread of the runs. */
export function show(f: Figure | undefined, digits = 1): string {
  if (!f || !f.runs.length || Number.isNaN(f.median)) return 'n/a';
  const n = (x: number) => x.toFixed(digits);
  return f.runs.length > 1 ? `${n(f.median)} (${n(f.min)}–${n(f.max)})` : n(f.median);
}
