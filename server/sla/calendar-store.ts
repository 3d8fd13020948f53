/**
 * Writing and reading the calendar data behind the admin API: a year's
 * arrangement per region, office hours, limits. Writes replace a whole year
 * in one transaction, so a half-loaded year is never visible.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { invalid, notFound } from '../errors/index.ts';
import { isDay, parseClockTime, yearOf } from './local-time.ts';
import { isLimit } from './limits.ts';
import type { SlaConfigCache } from './config-cache.ts';
import { isWorkday } from './working-time.ts';
import { isTimeZone } from '../clock/index.ts';

export const yearBodySchema = z.object({
  source: z.string().max(300).optional(),
  days: z
    .array(
      z.object({
        day: z.string().refine(isDay, 'a date YYYY-MM-DD'),
        kind: z.enum(['holiday', 'workday']),
        name: z.string().max(100).nullish(),
      }),
    )
    .max(366),
});

export const hoursBodySchema = z.object({
  timeZone: z.string().default('Asia/Shanghai').refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
  periods: z
    .array(z.tuple([z.string(), z.string()]))
    .min(1)
    .max(6)
    .refine(validPeriods, 'periods must be "HH:MM" pairs, each opening before it closes, in order and not overlapping'),
});

export const limitsBodySchema = z.object({
  limits: z
    .array(
      z.object({
        category: z.string().min(1).max(40),
        urgency: z.enum(['normal', 'urgent', 'emergency']),
        response: z.string().refine(isLimit, 'an ISO duration (PT2H) or working time (2wd, 4wh)'),
        resolution: z.string().refine(isLimit, 'an ISO duration (PT24H) or working time (10wd, 8wh)'),
        warnShare: z.number().gt(0).lt(1).default(0.8),
      }),
    )
    .max(500)
    .default([]),
  // The region's own rows to drop, so the cell inherits again (from a branch above, `*` or default).
  remove: z.array(z.object({ category: z.string().min(1).max(40), urgency: z.enum(['normal', 'urgent', 'emergency']) })).max(500).default([]),
}).refine((b) => b.limits.length + b.remove.length > 0, { message: 'give at least one limit to set or remove', path: ['limits'] });

async function ensureRegion(knex: Knex | Knex.Transaction, region: string): Promise<void> {
  if (!(await knex('regions').where({ id: region }).first('id'))) throw notFound('Region', region);
}

/** Replaces `region`'s rows for `year` and marks the year loaded for it. */
export async function loadYear(knex: Knex, region: string, year: number, body: z.infer<typeof yearBodySchema>, actor: string, now: Date): Promise<{ days: number }> {
  const wrong = body.days.filter((d) => yearOf(d.day) !== year).map((d) => d.day);
  if (wrong.length) throw invalid('day_outside_year', `These days are not in ${year}: ${wrong.slice(0, 5).join(', ')}.`, { days: wrong });
  const seen = new Set<string>();
  const dup = body.days.find((d) => (seen.has(d.day) ? true : (seen.add(d.day), false)));
  if (dup) throw invalid('day_twice', `${dup.day} is listed twice.`);
  await knex.transaction(async (trx: Knex.Transaction) => {
    await ensureRegion(trx, region);
    await trx('calendar_days').where({ region_id: region }).whereRaw('extract(year from day) = ?', [year]).delete();
    if (body.days.length) await trx('calendar_days').insert(body.days.map((d) => ({ region_id: region, day: d.day, kind: d.kind, name: d.name ?? null })));
    await trx('calendar_years')
      .insert({ region_id: region, year, source: body.source ?? null, loaded_by: actor, loaded_at: now })
      .onConflict(['region_id', 'year'])
      .merge(['source', 'loaded_by', 'loaded_at']);
  });
  return { days: body.days.length };
}

/** A region's year as the engine sees it: its own rows, the effective holidays/workdays, office hours. */
export async function readYear(knex: Knex, cache: SlaConfigCache, region: string, year: number) {
  await ensureRegion(knex, region);
  const own = await knex('calendar_days')
    .where({ region_id: region })
    .whereRaw('extract(year from day) = ?', [year])
    .orderBy('day')
    .select(knex.raw("to_char(day, 'YYYY-MM-DD') as day"), 'kind', 'name');
  const loaded = await knex('calendar_years').whereIn('region_id', [region, 'default']).where({ year }).select('region_id', 'source', 'loaded_by', 'loaded_at');
  const cal = cache.calendar(region);
  const effective = [...cal.days.entries()]
    .filter(([day]) => yearOf(day) === year)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, v]) => ({ day, kind: v.kind, name: v.name }));
  let workdays = 0;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    if (isWorkday(cal, new Date(t).toISOString().slice(0, 10))) workdays += 1;
  }
  const hours = cal.periods.map(([a, b]) => [clock(a), clock(b)]);
  return {
    region,
    year,
    loaded: loaded.length > 0,
    loadedBy: loaded.map((l) => ({ region: l.region_id, source: l.source, by: l.loaded_by, at: l.loaded_at })),
    workdays,
    days: effective,
    ownDays: own,
    officeHours: { timeZone: cal.timeZone, periods: hours },
  };
}

export async function setOfficeHours(knex: Knex, region: string, body: z.infer<typeof hoursBodySchema>, now: Date): Promise<void> {
  await ensureRegion(knex, region);
  await knex('office_hours')
    .insert({ region_id: region, time_zone: body.timeZone, periods: JSON.stringify(body.periods), updated_at: now })
    .onConflict('region_id')
    .merge(['time_zone', 'periods', 'updated_at']);
}

export async function upsertLimits(knex: Knex, region: string, body: z.infer<typeof limitsBodySchema>, now: Date): Promise<number> {
  await ensureRegion(knex, region);
  const set = new Set(body.limits.map((l) => `${l.category}|${l.urgency}`));
  const clash = body.remove.find((r) => set.has(`${r.category}|${r.urgency}`));
  if (clash) throw invalid('limit_twice', `${clash.category} (${clash.urgency}) is both set and removed.`);
  await knex.transaction(async (trx: Knex.Transaction) => {
    for (const r of body.remove) await trx('sla_limits').where({ region_id: region, category: r.category, urgency: r.urgency }).delete();
    if (!body.limits.length) return;
    await trx('sla_limits')
      .insert(body.limits.map((l) => ({ region_id: region, category: l.category, urgency: l.urgency, response_limit: l.response, resolution_limit: l.resolution, warn_share: l.warnShare, updated_at: now })))
      .onConflict(['region_id', 'category', 'urgency'])
      .merge(['response_limit', 'resolution_limit', 'warn_share', 'updated_at']);
  });
  return body.limits.length + body.remove.length;
}

export async function listLimits(knex: Knex, region: string) {
  await ensureRegion(knex, region);
  const rows = await knex('sla_limits').whereIn('region_id', [region, 'default']).orderBy(['category', 'urgency', 'region_id']);
  return rows.map((l) => ({ region: l.region_id, category: l.category, urgency: l.urgency, response: l.response_limit, resolution: l.resolution_limit, warnShare: Number(l.warn_share) }));
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function validPeriods(periods: Array<[string, string]>): boolean {
  try {
    let last = -1;
    for (const [a, b] of periods) {
      const open = parseClockTime(a);
      const close = parseClockTime(b);
      if (open >= close || open < last) return false;
      last = close;
    }
    return true;
  } catch {
    return false;
  }
}
