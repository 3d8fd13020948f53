import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { verifyCase } from '../audit/index.ts';
import { notFound } from '../errors/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';

const TAGS = ['audit'];

/** Tamper evidence for auditors: recompute a case's event hash chain. Read-only. */
export function auditRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/audit/cases/:id/verify', {
    summary: 'Check a case\'s hash-chained event log (HMAC chain and the daily signed anchor)', tags: TAGS, scope: 'case', roles: ['auditor', 'admin'],
    errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const id = idParam(String(req.params.id));
    const report = await verifyCase(ctx.knex, { id });
    if (!report) throw notFound('Case', id);
    const { regionId: _region, ...rest } = report;
    res.json({ checkedAt: ctx.clock.now().toISOString(), ...rest });
  });

  return r;
}
