/**
 * Local (wall-clock) dates of a region, as `YYYY-MM-DD` strings. Chinese
 * regions keep one offset all year (Asia/Shanghai has had no DST since 1991),
 * so a calendar converts with a fixed offset taken from its time zone once.
 */

const DAY_MS = 86_400_000;

/** Minutes east of UTC of `timeZone` at `at` (e.g. 480 for Asia/Shanghai). */
export function zoneOffsetMinutes(timeZone: string, at: Date = new Date(Date.UTC(2026, 0, 1))): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** The local date of an instant. */
export function localDay(at: Date, offsetMinutes: number): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The instant of local midnight starting `day`. */
export function dayStart(day: string, offsetMinutes: number): number {
  return Date.parse(`${day}T00:00:00Z`) - offsetMinutes * 60_000;
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export function yearOf(day: string): number {
  return Number(day.slice(0, 4));
}

/** `HH:MM` → minutes after midnight; throws on anything else. */
export function parseClockTime(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new Error(`not a time of day (HH:MM): ${text}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) throw new Error(`not a time of day (HH:MM): ${text}`);
  return minutes;
}

/** `YYYY-MM-DD HH:MM:SS` in local time, as Excel and WPS read dates in a CSV. */
export function formatLocal(at: Date | null, offsetMinutes: number): string {
  if (!at) return '';
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
