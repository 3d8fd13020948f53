import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS, ROLES, listGroups, listStaff, login, logout } from '../auth/index.ts';
import { routes } from './openapi.ts';
import { clientIp } from '../throttle/index.ts';
import { AppError } from '../errors/index.ts';

const loginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
const regionQuery = z.object({ region: z.string().max(40).optional() });
const staffQuery = regionQuery.extend({ roles: z.enum(['all']).optional().describe('all: every role and deactivated accounts too, with `active` (admin only)') });
const TAGS = ['auth'];

export function authRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.post('/auth/login', {
    summary: 'Log in: `{username, password}` → `{token, expiresAt, user}`; send the token as `Authorization: Bearer <token>`',
    tags: TAGS, roles: 'public', body: loginBody, errors: { 401: ['login_failed'], 429: ['rate_limited'] },
  }, async (req, res, { body }) => {
    // Locked out (the username or this address): 429 before any password is checked, the right one included.
    const attempt = await ctx.throttle.loginAttempt(clientIp(req), body.username);
    let result;
    try {
      result = await login(ctx.knex, ctx.clock.now(), body.username, body.password);
    } catch (err) {
      // A wrong password counts; a technical failure (database down) is taken back.
      await ((err as { code?: string }).code === 'login_failed' ? attempt.failed() : attempt.undo()).catch(() => undefined);
      throw err;
    }
    await attempt.succeeded();
    const { token, expiresAt, user } = result;
    res.json({ token, expiresAt, user });
  });

  api.post('/auth/logout', { summary: 'Log out (the token stops working)', tags: TAGS, roles: 'public', status: 204 }, async (req, res) => {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) await auth.revoked({ tokenHash: await logout(ctx.knex, header.slice(7).trim()) });
    res.status(204).end();
  });

  api.get('/auth/me', { summary: 'The logged-in user: role, region, groups', tags: TAGS, roles: [...ROLES], scope: 'self' }, (req, res) => {
    res.json({ user: req.user });
  });

  api.get('/groups', {
    summary: 'Units (groups) of a region: dispatch targets and co-handlers', tags: ['regions'], roles: [...ROLES], query: regionQuery,
  }, async (req, res, { query }) => {
    const region = query.region ?? auth.homeRegion(req);
    if (region) auth.checkRegion(req, region);
    res.json({ items: await listGroups(ctx.knex, region) });
  });

  api.get('/users', {
    // Designers too: the modeler's lint checks the assignees a model names against them.
    summary: 'Staff of a region (to assign or delegate a task): username, name, role, groups', tags: ['regions'], roles: [...CASE_WORKERS, 'designer'], query: staffQuery,
  }, async (req, res, { query }) => {
    const region = query.region ?? auth.homeRegion(req);
    if (region) auth.checkRegion(req, region);
    const everyone = query.roles === 'all';
    if (everyone && req.user?.role !== 'admin') throw new AppError('forbidden', 'Only an admin lists every role (roles=all).', { status: 403 });
    res.json({ items: await listStaff(ctx.knex, region, { everyone }) });
  });

  return r;
}
