import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { login, logout } from '../auth/index.ts';
import { listRegions } from '../regions/index.ts';

const loginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

export function authRouter(ctx: AppContext): Router {
  const r = Router();
  r.post('/auth/login', async (req, res) => {
    const body = loginBody.parse(req.body);
    const { token, expiresAt, user } = await login(ctx.knex, ctx.clock.now(), body.username, body.password);
    res.json({ token, expiresAt, user });
  });
  r.post('/auth/logout', async (req, res) => {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) await logout(ctx.knex, header.slice(7).trim());
    res.status(204).end();
  });
  r.get('/auth/me', ctx.auth.require('dispatcher', 'handler', 'leader', 'designer', 'auditor', 'admin'), (req, res) => {
    res.json({ user: req.user });
  });
  r.get('/regions', async (_req, res) => {
    res.json({ items: await listRegions(ctx.knex) });
  });
  return r;
}
