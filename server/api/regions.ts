import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { changeQuerySchema, listChanges } from '../admin-log/index.ts';
import { createRegion, listRegions, newRegionSchema, regionPatchSchema, updateRegion } from '../regions/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['regions'];

/**
 * Regions (旗县区) as data: an admin creates a new 旗 and edits a region's name, case-number
 * prefix, city and time zone; every change is on the admin change log.
 */
export function regionsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/regions', {
    summary: 'Regions (旗县区): id, name, case-number prefix, city, time zone', tags: TAGS, roles: 'public',
  }, async (_req, res) => {
    res.json({ items: await listRegions(ctx.knex) });
  });

  api.post('/regions', {
    summary: 'Create a region (with its 派单中心 and 领导 units); staff, units, catalogue, limits and calendar follow',
    tags: TAGS, roles: ['admin'], scope: 'none', body: newRegionSchema, status: 201, errors: { 409: ['region_exists', 'case_prefix_taken'] },
  }, async (req, res, { body }) => {
    const region = await createRegion(ctx.knex, body, auth.actor(req), ctx.clock.now());
    ctx.log(`region ${region.id} (${region.name}) created by ${auth.actor(req)}`);
    res.status(201).json(region);
  });

  api.patch('/regions/:region', {
    summary: 'Change a region\'s name, case-number prefix, city or time zone (its id stays)', tags: TAGS, roles: ['admin'], body: regionPatchSchema,
    errors: { 404: ['not_found'], 409: ['case_prefix_taken'] },
  }, async (req, res, { body }) => {
    res.json(await updateRegion(ctx.knex, String(req.params.region), body, auth.actor(req), ctx.clock.now()));
  });

  api.get('/regions/:region/changes', {
    summary: 'The admin change log of a region: who changed what, when, before and after (newest first)', tags: TAGS, roles: ['admin', 'auditor'],
    query: changeQuerySchema.omit({ region: true }),
  }, async (req, res, { query }) => {
    res.json(await listChanges(ctx.knex, [String(req.params.region)], query));
  });

  return r;
}
