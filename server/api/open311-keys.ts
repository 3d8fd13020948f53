import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { notFound } from '../errors/index.ts';
import { issueKey, issueKeySchema, keyListSchema, keyRegion, listKeys, revokeKey, setRequireKey, settingsSchema } from '../open311/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';

const TAGS = ['open311'];

/**
 * Open311 API keys and the per-region setting that requires them (issue 11):
 * admins only. The key is in the creation answer and nowhere else.
 */
export function open311KeysRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.post('/open311/keys', {
    summary: 'Issue an Open311 api_key for a client in a region; the key is shown in this answer only',
    tags: TAGS, roles: ['admin'], body: issueKeySchema, status: 201, response: '{id, key, region, client}', errors: { 404: ['not_found'] },
  }, async (req, res, { body }) => {
    auth.checkRegion(req, body.region);
    res.status(201).json(await issueKey(ctx.knex, body, auth.actor(req), ctx.clock.now()));
  });

  api.get('/open311/keys', {
    summary: 'Open311 keys (no key material: a hint), with last use and revocation, newest first',
    tags: TAGS, roles: ['admin'], query: keyListSchema,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    const scope = auth.regions(req);
    res.json(await listKeys(ctx.knex, query.region ? [query.region] : scope === 'all' ? null : scope));
  });

  api.delete('/open311/keys/:id', {
    summary: 'Revoke an Open311 key: POSTs with it answer 403 api_key_revoked from now on',
    tags: TAGS, roles: ['admin'], status: 204, errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const id = idParam(String(req.params.id));
    const region = await keyRegion(ctx.knex, id);
    if (!region) throw notFound('Open311 key', id);
    auth.hideOtherRegion(req, region, 'Open311 key', id);
    await revokeKey(ctx.knex, id, auth.actor(req), ctx.clock.now());
    res.status(204).end();
  });

  api.put('/open311/settings/:region', {
    summary: 'Whether Open311 POST in this region requires an api_key (default: not)',
    tags: TAGS, roles: ['admin'], body: settingsSchema, errors: { 404: ['not_found'] },
  }, async (req, res, { body }) => {
    const region = String(req.params.region);
    auth.checkRegion(req, region);
    res.json(await setRequireKey(ctx.knex, region, body.requireKey, auth.actor(req), ctx.clock.now()));
  });

  return r;
}
