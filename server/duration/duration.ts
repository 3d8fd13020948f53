import { ISODuration } from '@0dep/piso';

/**
 * ISO-8601 durations (`PT2H`, `P3D`, `P1M`) as Bangni reads them everywhere —
 * task due dates, SLA limits — with @0dep/piso, the parser bpmn-elements uses
 * for timers and deploy validation uses for literal timers (issue 14: a
 * second, hand-made parser counted a month as 30 days, so `P1M` meant one
 * thing on a timer and another on the task it guards).
 *
 * Calendar units are calendar units, in UTC as piso applies them: `P1M` from
 * 15 January is 15 February, from 1 February 28 or 29 days later; `P1Y` spans
 * a leap day when there is one. Like JavaScript's dates, a month that lacks
 * the day runs over (31 January + `P1M` is 2 or 3 March). Fractions are
 * allowed on the smallest unit only (`P1.5D`, `PT0.5S`), as the standard says.
 */

/** The duration in `text`, or null when it is none (a negative one, `-P1D`, is none here: nothing is due in the past). */
export function parseIsoDuration(text: string): ISODuration | null {
  if (!text.startsWith('P')) return null;
  try {
    return new ISODuration(text).parse();
  } catch {
    return null;
  }
}

export function isIsoDuration(text: string): boolean {
  return parseIsoDuration(text) !== null;
}

/** `from` plus the duration, counting calendar months and years; throws when `text` is not a duration. */
export function addIsoDuration(from: Date, text: string): Date {
  const d = parseIsoDuration(text);
  if (!d) throw new Error(`not an ISO-8601 duration: ${text}`);
  return d.getExpireAt(from);
}
