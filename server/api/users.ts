import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { createUser, groupBodySchema, newUserSchema, updateUser, upsertGroup, userPatchSchema } from '../auth/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['administration'];

/** Administration of staff accounts and units: admin only (production seeds none of them). */
export function usersRouter(ctx: AppContext): Router {
  const r = Router();
  const api = routes(r, ctx.auth);

  api.post('/users', {
    summary: 'Create a staff account (password stored as a scrypt hash)', tags: TAGS, roles: ['admin'], body: newUserSchema, status: 201,
    errors: { 409: ['username_taken'], 422: ['region_required', 'region_unknown', 'group_unknown'] },
  }, async (req, res, { body }) => {
    res.status(201).json(await createUser(ctx.knex, ctx.clock.now(), body, ctx.auth.actor(req)));
  });

  api.patch('/users/:username', {
    summary: 'Change a staff account: name, role, groups, active, password (deactivating or a new password ends its logins)',
    tags: TAGS, roles: ['admin'], body: userPatchSchema, errors: { 404: ['not_found'], 422: ['region_required', 'group_unknown'] },
  }, async (req, res, { body }) => {
    res.json(await updateUser(ctx.knex, String(req.params.username), body, { revoked: (userId) => ctx.auth.revoked({ userId }), actor: ctx.auth.actor(req), now: ctx.clock.now() }));
  });

  api.put('/groups/:region/:code', {
    summary: 'Create or change a unit (group) of a region — the code BPMN candidate groups name; optional place in the tree, kind, public name',
    tags: TAGS, roles: ['admin'], body: groupBodySchema, errors: { 422: ['region_unknown', 'unit_parent_unknown', 'unit_cycle'] },
  }, async (req, res, { body }) => {
    res.json(await upsertGroup(ctx.knex, String(req.params.region), String(req.params.code), body, { actor: ctx.auth.actor(req), now: ctx.clock.now() }));
  });

  return r;
}
