/**
 * Working-time arithmetic on a region's calendar: pure functions, no database.
 * A day is a working day when the calendar says `workday` (a 调休 make-up day,
 * even a Saturday), not when it says `holiday`, and otherwise when it is Monday
 * to Friday. A year the calendar has no arrangement for is still computed on
 * weekdays, but every answer that touched it says `provisional: true`.
 */
import { dayStart, localDay, nextDay, weekday, yearOf } from './local-time.ts';

export type DayKind = 'holiday' | 'workday';

export interface WorkCalendar {
  region: string;
  timeZone: string;
  /** Minutes east of UTC (480 for Asia/Shanghai). */
  offsetMinutes: number;
  /** Office hours as [open, close) minutes after local midnight, sorted, not overlapping. */
  periods: Array<[number, number]>;
  /** Days that differ from the weekday rule: default region's rows overridden by the region's own. */
  days: Map<string, { kind: DayKind; name: string | null }>;
  /** Years whose State Council arrangement (or the region's own) is loaded. */
  years: Set<number>;
}

/** An instant computed on the calendar, and whether an unloaded year was involved. */
export interface WorkResult {
  at: Date;
  provisional: boolean;
}

// A calendar with no working day in ten years is broken data, not a long wait.
const MAX_DAYS = 3660;

export function isWorkday(cal: WorkCalendar, day: string): boolean {
  const special = cal.days.get(day);
  if (special) return special.kind === 'workday';
  const wd = weekday(day);
  return wd !== 0 && wd !== 6;
}

/** Close of the last office period on `day`, as an instant. */
function closeOf(cal: WorkCalendar, day: string): number {
  const last = cal.periods[cal.periods.length - 1];
  return dayStart(day, cal.offsetMinutes) + (last ? last[1] : 24 * 60) * 60_000;
}

/**
 * The end of office hours on the n-th working day after `from`'s local day
 * (the day of receipt is not counted: "5 working days from 30 September 2026"
 * is 13 October, after 国庆 and with the 10 October make-up Saturday counted).
 * A fractional n is rounded up: a limit never shrinks.
 */
export function addWorkdays(from: Date, n: number, cal: WorkCalendar): WorkResult {
  if (!Number.isFinite(n) || n < 0) throw new Error(`workdays needs a count of zero or more, got ${n}`);
  const count = Math.ceil(n);
  let day = localDay(from, cal.offsetMinutes);
  let provisional = !cal.years.has(yearOf(day));
  if (count === 0) {
    for (let i = 0; !isWorkday(cal, day) || closeOf(cal, day) < from.getTime(); i++) {
      if (i > MAX_DAYS) throw new Error(`no working day within ten years in calendar ${cal.region}`);
      day = nextDay(day);
      provisional ||= !cal.years.has(yearOf(day));
    }
    return { at: new Date(closeOf(cal, day)), provisional };
  }
  let found = 0;
  for (let i = 0; found < count; i++) {
    if (i > MAX_DAYS) throw new Error(`no working day within ten years in calendar ${cal.region}`);
    day = nextDay(day);
    provisional ||= !cal.years.has(yearOf(day));
    if (isWorkday(cal, day)) found += 1;
  }
  return { at: new Date(closeOf(cal, day)), provisional };
}

/** `from` plus `ms` of office time (working days, office hours only). */
export function addWorkMs(from: Date, ms: number, cal: WorkCalendar): WorkResult {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`working time must be zero or more, got ${ms}`);
  let remaining = ms;
  let t = from.getTime();
  let day = localDay(from, cal.offsetMinutes);
  let provisional = false;
  for (let i = 0; i <= MAX_DAYS; i++, day = nextDay(day)) {
    provisional ||= !cal.years.has(yearOf(day));
    if (!isWorkday(cal, day)) continue;
    const base = dayStart(day, cal.offsetMinutes);
    for (const [open, close] of cal.periods) {
      const end = base + close * 60_000;
      if (t >= end) continue;
      const start = Math.max(t, base + open * 60_000);
      if (remaining <= end - start) return { at: new Date(start + remaining), provisional };
      remaining -= end - start;
      t = end;
    }
  }
  throw new Error(`no office hours within ten years in calendar ${cal.region}`);
}

/** `from` plus n office hours, e.g. 4 working hours from Friday 16:00 is Monday 10:30. */
export function addWorkhours(from: Date, n: number, cal: WorkCalendar): WorkResult {
  return addWorkMs(from, n * 3_600_000, cal);
}

/** Office time (ms) between two instants on the calendar; 0 when b ≤ a. */
export function workMsBetween(a: Date, b: Date, cal: WorkCalendar): number {
  let total = 0;
  const stop = b.getTime();
  for (let day = localDay(a, cal.offsetMinutes), i = 0; i <= MAX_DAYS; i++, day = nextDay(day)) {
    const base = dayStart(day, cal.offsetMinutes);
    if (base >= stop) break;
    if (!isWorkday(cal, day)) continue;
    for (const [open, close] of cal.periods) {
      const s = Math.max(a.getTime(), base + open * 60_000);
      const e = Math.min(stop, base + close * 60_000);
      if (e > s) total += e - s;
    }
  }
  return total;
}

/** The years a span of local days touches that have no loaded arrangement. */
export function missingYears(cal: WorkCalendar, from: Date, to: Date): number[] {
  const out: number[] = [];
  for (let y = yearOf(localDay(from, cal.offsetMinutes)); y <= yearOf(localDay(to, cal.offsetMinutes)); y++) {
    if (!cal.years.has(y)) out.push(y);
  }
  return out;
}
