import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { verifyCase } from '../audit/index.ts';
import { caseIdByNo } from '../cases/index.ts';
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
    summary: 'Check a case\'s hash-chained event log (HMAC chain and the daily signed anchor); `:id` is the id or the case number (ZLT-20261202-0001, any case)', tags: TAGS, scope: 'case', roles: ['auditor', 'admin'],
    errors: { 404: ['not_found'], 403: ['forbidden'] },
  }, async (req, res) => {
    const raw = String(req.params.id).trim();
    // Auditors type the number printed on the work order; the scope check above only sees numeric ids,
    // so a case number is resolved here and checked the same way before anything is read.
    let id: number;
    if (/^[0-9]+$/.test(raw)) id = idParam(raw);
    else {
      const found = await caseIdByNo(ctx.knex, raw);
      if (found === null) throw notFound('Case', raw);
      await ctx.auth.checkCase(req, found);
      id = found;
    }
    const report = await verifyCase(ctx.knex, { id });
    if (!report) throw notFound('Case', raw);
    const { regionId: _region, ...rest } = report;
    res.json({ checkedAt: ctx.clock.now().toISOString(), ...rest });
  });

  return r;
}
