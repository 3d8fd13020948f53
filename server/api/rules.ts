import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { rulesPatchSchema } from '../rules/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['regions'];

/**
 * A region's side-task rules and 三率 definitions (server/rules): the effective value of each,
 * whether it is inherited (from `default` or the code), and — for admins — the overrides.
 */
export function rulesRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/regions/:region/rules', {
    summary: 'A region\'s rules (重办 threshold, 转办 targets, steering groups, evaluation timeout, clock stops, 三率 definitions): effective values and which are inherited',
    tags: TAGS, roles: ['admin', 'designer', 'auditor', 'leader'], errors: { 404: ['not_found'] },
  }, async (req, res) => {
    res.json(await ctx.rules.view(String(req.params.region)));
  });

  api.put('/regions/:region/rules', {
    summary: 'Override some of a region\'s rules (null: inherit again); the rest stay. Takes effect at once on this node, on others by NOTIFY or within 30 s',
    tags: TAGS, roles: ['admin'], body: rulesPatchSchema, errors: { 404: ['not_found'], 422: ['validation_failed'] },
  }, async (req, res, { body }) => {
    const region = String(req.params.region);
    const view = await ctx.rules.put(region, body, auth.actor(req));
    ctx.log(`rules of region ${region} changed by ${auth.actor(req)}: ${Object.keys(body).join(', ')}`);
    res.json(view);
  });

  return r;
}
