/**
 * Report periods from query strings: `2026-03-01` is that local day's start
 * in China (UTC+8), a full ISO date-time is taken as written.
 */
import { z } from 'zod';
import { dayStart, isDay } from './local-time.ts';

const CHINA_OFFSET = 480;

export function parseInstant(text: string): Date | null {
  if (isDay(text)) return new Date(dayStart(text, CHINA_OFFSET));
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

export const instantParam = z
  .string()
  .transform((s, ctx) => {
    const at = parseInstant(s);
    if (!at) {
      ctx.addIssue({ code: 'custom', message: 'a date (YYYY-MM-DD, China time) or an ISO date-time' });
      return z.NEVER;
    }
    return at;
  });

/** Regions a reader may see, from the guard: a list, or every region. */
export type RegionScope = string[] | 'all';
