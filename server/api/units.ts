import { Router, type Request } from 'express';
import type { AppContext } from '../app-context.ts';
import { ROLES } from '../auth/index.ts';
import { readUnitTree, replaceUnitTree, unitTreeDoc, unitTreeSchema } from '../units/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['regions'];
const UNIT_ERRORS = ['unit_code_invalid', 'unit_duplicate', 'unit_name_missing', 'unit_kind_unknown'];

/**
 * The units (承办单位) of a region as a tree: what candidate groups, the dispatch form's unit
 * field and 二级派单 pick from. The admin replaces the whole tree; units left out are deactivated.
 */
export function unitsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);
  const region = (req: Request) => String(req.params.region);

  api.get('/regions/:region/units', {
    summary: 'The units (承办单位) of a region as a tree: code, name, publicName, kind, active, children',
    tags: TAGS, roles: [...ROLES], errors: { 404: ['not_found'] },
  }, async (req, res) => {
    res.json({ units: await readUnitTree(ctx.read.reader(req), region(req)) });
  });

  api.put('/regions/:region/units', {
    summary: 'Replace the unit tree of a region: new units created, changed ones updated, units left out deactivated (never deleted)',
    description: 'One transaction. Any bad node changes nothing and answers 422 with `details.units: [{code, path, rule, message}]`. 派单中心 and 领导 (steering) stay active when left out.',
    tags: TAGS, roles: ['admin'], body: unitTreeDoc, errors: { 404: ['not_found'], 422: UNIT_ERRORS },
  }, async (req, res) => {
    const body = unitTreeSchema.parse(req.body ?? {});
    const out = await replaceUnitTree(ctx.knex, region(req), body.units, { actor: auth.actor(req), now: ctx.clock.now() });
    ctx.logger.info({ region: region(req) }, `units of ${region(req)} replaced by ${auth.actor(req)} (${out.changed} changed)`);
    res.json(out);
  });

  return r;
}
