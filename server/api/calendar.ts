import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS } from '../auth/index.ts';
import { recordChange } from '../admin-log/index.ts';
import { hoursBodySchema, loadYear, parseHolidayNotice, readYear, setOfficeHours, yearBodySchema, type Sla } from '../sla/index.ts';
import { invalid } from '../errors/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['sla'];
const yearParam = z.coerce.number().int().min(2000).max(2100);
// A notice is about 1,500 characters; the limit leaves room for a whole page pasted with it.
const noticeBody = z.object({ text: z.string().min(1).max(20_000).describe('the notice as pasted from gov.cn (国务院办公厅关于20XX年部分节假日安排的通知)') });

/**
 * Working calendars. Staff read their own region's (and the shared `default`
 * one it inherits); only an administrator loads a year's arrangement or changes
 * office hours. A change reloads the in-memory calendars on every node at once.
 */
export function calendarRouter(ctx: AppContext, sla: Sla): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/calendar/:region/:year', {
    summary: 'Working calendar of a region and year', tags: TAGS, roles: [...CASE_WORKERS, 'designer', 'auditor'], errors: { 422: ['region_unknown'] },
  }, async (req, res) => {
    res.json(await readYear(ctx.knex, sla.cache, String(req.params.region), yearParam.parse(req.params.year)));
  });

  api.put('/calendar/:region/hours', {
    summary: 'Office hours of a region', tags: TAGS, roles: ['admin'], body: hoursBodySchema, errors: { 422: ['region_unknown'] },
  }, async (req, res, { body }) => {
    const region = String(req.params.region);
    const hoursBefore = (await readYear(ctx.knex, sla.cache, region, new Date(ctx.clock.now()).getUTCFullYear())).officeHours;
    await setOfficeHours(ctx.knex, region, body, ctx.clock.now());
    await sla.changed();
    await recordChange(ctx.knex, { at: ctx.clock.now(), actor: auth.actor(req), regionId: region, entity: 'calendar', key: 'office-hours', before: hoursBefore, after: body });
    res.json({ region, officeHours: body });
  });

  api.put('/calendar/:region/:year', {
    summary: 'Load a year\'s holiday arrangement for a region', tags: TAGS, roles: ['admin'], body: yearBodySchema, errors: { 422: ['region_unknown'] },
  }, async (req, res, { body }) => {
    const region = String(req.params.region);
    const year = yearParam.parse(req.params.year);
    const before = await readYear(ctx.knex, sla.cache, region, year);
    const loaded = await loadYear(ctx.knex, region, year, body, auth.actor(req), ctx.clock.now());
    await sla.changed();
    await recordChange(ctx.knex, { at: ctx.clock.now(), actor: auth.actor(req), regionId: region, entity: 'calendar', key: String(year), before: before.ownDays.length ? { days: before.ownDays } : null, after: body });
    ctx.logger.info({ region }, `calendar ${region} ${year} loaded by ${auth.actor(req)} (${loaded.days} days)`);
    res.json(await readYear(ctx.knex, sla.cache, region, year));
  });

  // Read, not saved: the administrator checks the days on the year view and saves them with PUT.
  api.post('/calendar/:region/:year/notice', {
    summary: 'Read a State Council holiday notice into the year\'s days (a preview: nothing is saved)',
    description: 'Answers `days` of the year ({day, kind, name}, ready for PUT /calendar/:region/:year), `holidays` (name, from, to, days, workdays) and `outside` (days the notice puts in another year). ' +
      '422 `notice_unreadable` with `details.lines: [{line, text, code, reason}]` (code: no_heading, no_arrangement, no_date, two_spans, bad_date, backwards, stray_dates, count, clash) when a line of the arrangement cannot be read or no day is found; 422 `notice_other_year` when the notice is for another year.',
    tags: TAGS, roles: ['admin'], body: noticeBody, errors: { 404: ['not_found'], 422: ['notice_unreadable', 'notice_other_year'] },
  }, async (req, res, { body }) => {
    const region = String(req.params.region);
    const year = yearParam.parse(req.params.year);
    await readYear(ctx.knex, sla.cache, region, year); // 404 for a region that does not exist
    const notice = parseHolidayNotice(body.text, year);
    if (notice.problems.length) {
      throw invalid('notice_unreadable', `${notice.problems.length} line(s) of the notice could not be read: ${notice.problems.map((p) => `line ${p.line} (${p.reason})`).join('; ')}.`, { lines: notice.problems });
    }
    if (!notice.days.length) throw invalid('notice_unreadable', 'No holiday arrangement found: paste the numbered items ("一、元旦：1月1日至3日放假调休，共3天。…").', { lines: [] });
    if (notice.year !== year) throw invalid('notice_other_year', `The notice is for ${notice.year}, not ${year}.`, { year: notice.year });
    const inYear = (d: { day: string }) => d.day.startsWith(`${year}-`);
    res.json({ region, year, days: notice.days.filter(inYear), outside: notice.days.filter((d) => !inYear(d)), holidays: notice.holidays });
  });

  return r;
}
