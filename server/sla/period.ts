/**
 * Report periods from query strings: `2026-03-01` is that local day in the
 * region's own time zone (regions.time_zone), and as `to` it includes the
 * whole day; a full ISO date-time is taken as written.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { dayStart, isDay, localDay, nextDay, zoneOffsetMinutes } from './local-time.ts';

const CHINA_OFFSET = 480;
const DEFAULT_ZONE = 'Asia/Shanghai';

/**
 * A date-only bound as typed. It is a Date (at the day's start in China time) for code that
 * needs one at once; `wherePeriod` and `periodInstants` place it in the region's own zone.
 */
export class LocalDay extends Date {
  readonly day: string;
  constructor(day: string) {
    super(dayStart(day, CHINA_OFFSET));
    this.day = day;
  }
}

export function parseInstant(text: string): Date | null {
  if (isDay(text)) return new LocalDay(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

export const instantParam = z
  .string()
  .transform((s, ctx) => {
    const at = parseInstant(s);
    if (!at) {
      ctx.addIssue({ code: 'custom', message: "a date (YYYY-MM-DD, in the region's time zone; as `to` it includes that day) or an ISO date-time" });
      return z.NEVER;
    }
    return at;
  });

/** The time zone of the region a row belongs to (`regionColumn`), as SQL. */
const zoneOf = (regionColumn: string) => `(select coalesce(r.time_zone, '${DEFAULT_ZONE}') from regions r where r.id = ${regionColumn})`;

/**
 * `column` within [from, to): a date-only bound is a day of each row's own region (a report over
 * regions in two zones still cuts each at its local midnight), and a date-only `to` ends after that day.
 */
export function wherePeriod(query: Knex.QueryBuilder, column: string, regionColumn: string, from?: Date, to?: Date): Knex.QueryBuilder {
  if (from instanceof LocalDay) query.whereRaw(`${column} >= (?::date)::timestamp at time zone ${zoneOf(regionColumn)}`, [from.day]);
  else if (from) query.where(column, '>=', from);
  if (to instanceof LocalDay) query.whereRaw(`${column} < (?::date + 1)::timestamp at time zone ${zoneOf(regionColumn)}`, [to.day]);
  else if (to) query.where(column, '<', to);
  return query;
}

/** A region's time zone (China time for none, or an unknown region). */
export async function regionZone(knex: Knex, region: string | null | undefined): Promise<string> {
  if (!region) return DEFAULT_ZONE;
  const row = await knex('regions').where({ id: region }).first('time_zone');
  return row?.time_zone ?? DEFAULT_ZONE;
}

/** The region's local date of `at` (YYYY-MM-DD): what a file exported there is named by. */
export async function regionDay(knex: Knex, region: string | null | undefined, at: Date): Promise<string> {
  return localDay(at, zoneOffsetMinutes(await regionZone(knex, region), at));
}

/** The instants a period names in one region's zone (what a report says it covers, and its `asOf`). */
export function periodInstants(timeZone: string, from: Date, to: Date): { from: Date; to: Date } {
  const offset = zoneOffsetMinutes(timeZone, to);
  return {
    from: from instanceof LocalDay ? new Date(dayStart(from.day, zoneOffsetMinutes(timeZone, from))) : from,
    to: to instanceof LocalDay ? new Date(dayStart(nextDay(to.day), offset)) : to,
  };
}

/** Regions a reader may see, from the guard: a list, or every region. */
export type RegionScope = string[] | 'all';
