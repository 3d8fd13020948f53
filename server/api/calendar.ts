import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS } from '../auth/index.ts';
import { hoursBodySchema, loadYear, readYear, setOfficeHours, yearBodySchema, type Sla } from '../sla/index.ts';

const yearParam = z.coerce.number().int().min(2000).max(2100);

/**
 * Working calendars. Anyone on staff may read one (holidays are public);
 * only an administrator loads a year's arrangement or changes office hours.
 * A change reloads the in-memory calendars on every node at once.
 */
export function calendarRouter(ctx: AppContext, sla: Sla): Router {
  const r = Router();
  const { auth } = ctx;
  const readers = auth.require(...CASE_WORKERS, 'designer', 'auditor');

  r.get('/calendar/:region/:year', readers, async (req, res) => {
    res.json(await readYear(ctx.knex, sla.cache, String(req.params.region), yearParam.parse(req.params.year)));
  });

  r.put('/calendar/:region/hours', auth.require('admin'), async (req, res) => {
    const region = String(req.params.region);
    const hours = hoursBodySchema.parse(req.body);
    await setOfficeHours(ctx.knex, region, hours, ctx.clock.now());
    await sla.changed();
    res.json({ region, officeHours: hours });
  });

  r.put('/calendar/:region/:year', auth.require('admin'), async (req, res) => {
    const region = String(req.params.region);
    const year = yearParam.parse(req.params.year);
    const loaded = await loadYear(ctx.knex, region, year, yearBodySchema.parse(req.body), auth.actor(req), ctx.clock.now());
    await sla.changed();
    ctx.log(`calendar ${region} ${year} loaded by ${auth.actor(req)} (${loaded.days} days)`);
    res.json(await readYear(ctx.knex, sla.cache, region, year));
  });

  return r;
}
