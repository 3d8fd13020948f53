import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS } from '../auth/index.ts';
import { recordChange } from '../admin-log/index.ts';
import { hoursBodySchema, loadYear, readYear, setOfficeHours, yearBodySchema, type Sla } from '../sla/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['sla'];
const yearParam = z.coerce.number().int().min(2000).max(2100);

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

  return r;
}
