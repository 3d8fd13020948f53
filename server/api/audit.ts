import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { verifyChain } from '../audit/index.ts';
import { notFound } from '../errors/index.ts';
import { idParam } from './definitions.ts';

/** Tamper evidence for auditors: recompute a case's event hash chain. Read-only. */
export function auditRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;

  r.get('/audit/cases/:id/verify', auth.require('auditor', 'admin'), async (req, res) => {
    const id = idParam(String(req.params.id));
    const row = await ctx.knex('cases').where({ id }).first('id', 'region_id', 'case_no');
    if (!row) throw notFound('Case', id);
    auth.hideOtherRegion(req, row.region_id, 'Case', id);
    const report = await verifyChain(ctx.knex, id);
    res.json({ caseId: id, caseNo: row.case_no, checkedAt: ctx.clock.now().toISOString(), ...report });
  });

  return r;
}
