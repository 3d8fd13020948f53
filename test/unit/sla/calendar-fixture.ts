import { CALENDAR_SEED } from '../../../migrations/20261127110000_sla_calendar.ts';
import type { WorkCalendar } from '../../../server/sla/index.ts';

/** The seeded State Council arrangement (2025, 2026) as a calendar, office hours 08:30–12:00, 14:30–18:00. */
export function seededCalendar(extra: Array<[string, 'holiday' | 'workday', string]> = []): WorkCalendar {
  const days = new Map<string, { kind: 'holiday' | 'workday'; name: string | null }>();
  for (const rows of Object.values(CALENDAR_SEED)) for (const [day, kind, name] of rows) days.set(day, { kind, name });
  for (const [day, kind, name] of extra) days.set(day, { kind, name });
  return {
    region: 'default',
    timeZone: 'Asia/Shanghai',
    offsetMinutes: 480,
    periods: [
      [8 * 60 + 30, 12 * 60],
      [14 * 60 + 30, 18 * 60],
    ],
    days,
    years: new Set(Object.keys(CALENDAR_SEED).map(Number)),
  };
}

/** An instant from China local wall time, e.g. cst('2026-09-30 10:00'). */
export const cst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
/** China local wall time of an instant, `YYYY-MM-DD HH:MM`. */
export const local = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
