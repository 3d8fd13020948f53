/**
 * SLA limits as designers and administrators write them: an ISO-8601 duration
 * in natural time (`PT2H` for emergencies, running 24×7), or working time —
 * `2wd` working days, `4wh` working hours — counted on the region's calendar.
 */
import { addIsoDuration, parseIsoDuration } from '../duration/index.ts';
import { addWorkdays, addWorkhours, addWorkMs, workMsBetween, type WorkCalendar, type WorkResult } from './working-time.ts';

/** A natural limit keeps its text: `P1M` is a calendar month, so its length depends on where it starts. */
export type Limit = { kind: 'natural'; duration: string } | { kind: 'workdays'; n: number } | { kind: 'workhours'; n: number };

const WORKING = /^(\d+(?:\.\d+)?)\s*(wd|wh)$/i;

/** Parses a limit; throws with the reason when it is neither form. */
export function parseLimit(spec: string): Limit {
  const text = spec.trim();
  const m = WORKING.exec(text);
  if (m) return m[2]!.toLowerCase() === 'wd' ? { kind: 'workdays', n: Number(m[1]) } : { kind: 'workhours', n: Number(m[1]) };
  // piso measures from 1971-01-01 here: only to refuse a zero duration (PT0S, P0D), which would be breached at once.
  const duration = parseIsoDuration(text);
  if (duration && duration.toMilliseconds() > 0) return { kind: 'natural', duration: text };
  throw new Error(`not a limit: "${spec}" (write an ISO duration such as PT2H, or 2wd / 4wh for working days / hours)`);
}

export function isLimit(spec: string): boolean {
  try {
    parseLimit(spec);
    return true;
  } catch {
    return false;
  }
}

/** A due time: the limit added to `from`, with whether it was counted in working time. */
export interface DueTime extends WorkResult {
  workingTime: boolean;
}

export function addLimit(from: Date, spec: string, cal: WorkCalendar): DueTime {
  const limit = parseLimit(spec);
  if (limit.kind === 'natural') return { at: addIsoDuration(from, limit.duration), provisional: false, workingTime: false };
  const r = limit.kind === 'workdays' ? addWorkdays(from, limit.n, cal) : addWorkhours(from, limit.n, cal);
  return { ...r, workingTime: true };
}

/**
 * When the warning (催办) is due: the given share of the way from start to due,
 * measured in office time for a working-time clock (so 80% of ten working days
 * does not fall inside Spring Festival) and in natural time otherwise.
 */
export function warnAtFor(start: Date, due: Date, share: number, workingTime: boolean, cal: WorkCalendar): Date {
  if (due <= start) return due;
  if (workingTime) {
    const total = workMsBetween(start, due, cal);
    if (total > 0) {
      const at = addWorkMs(start, Math.floor(total * share), cal).at;
      return at < due ? at : due;
    }
  }
  return new Date(start.getTime() + Math.floor((due.getTime() - start.getTime()) * share));
}
