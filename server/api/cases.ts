import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS } from '../auth/index.ts';
import { getCaseDetail, newCaseSchema, startCase } from '../cases/index.ts';
import { idParam } from './definitions.ts';

export function casesRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;

  // Citizens submit without logging in; staff (e.g. a hotline dispatcher) may submit for them.
  r.post('/cases', async (req, res) => {
    const body = newCaseSchema.parse(req.body);
    if (req.user && req.user.role !== 'admin') auth.checkRegion(req, body.region);
    const started = await startCase(ctx.runtime, body, auth.actor(req));
    res.status(201).json({ id: started.id, caseNo: started.caseNo, status: started.status });
  });

  r.get('/cases/:id', auth.require(...CASE_WORKERS, 'auditor'), async (req, res) => {
    const id = idParam(req.params.id);
    const detail = await getCaseDetail(ctx.knex, id);
    auth.hideOtherRegion(req, detail.region as string, 'Case', id);
    res.json(detail);
  });

  return r;
}
