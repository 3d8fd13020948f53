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
    summary: 'A region\'s rules (重办 threshold, 转办 targets, steering groups, evaluation timeout, clock stops, 三率 definitions, channels, request types, urgency names): effective values and which are inherited',
    tags: TAGS, roles: ['admin', 'designer', 'auditor', 'leader'], errors: { 404: ['not_found'] },
  }, async (req, res) => {
    res.json(await ctx.rules.view(String(req.params.region)));
  });

  // Public: the intake desk (dispatchers), the case list (handlers) and the citizens' page show
  // these names, and none of them may read the rest of the rules.
  api.get('/regions/:region/vocabulary', {
    summary: 'A region\'s channels, request types (code and name) and urgency names, as intake accepts and pages show them; public',
    description: 'The rules `channels`, `requestTypes` and `urgencyNames` (effective values). Intake also accepts the channels web and open311, Bangni\'s own front doors.',
    tags: TAGS, roles: 'public', errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const { region, rules } = await ctx.rules.view(String(req.params.region));
    res.json({ region, channels: rules.channels.value, requestTypes: rules.requestTypes.value, urgencyNames: rules.urgencyNames.value });
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
