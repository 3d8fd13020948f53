import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { metricsForPeriod, metricsQuerySchema } from '../sla/index.ts';

/** 三率, 按期办结率, volumes and handling time for auditors (admin too), scoped to their region. */
export function metricsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;

  r.get('/metrics', auth.require('auditor', 'admin'), async (req, res) => {
    const q = metricsQuerySchema.parse(req.query);
    if (q.region) auth.checkRegion(req, q.region);
    res.json(await metricsForPeriod(ctx.read.reader(req), auth.regions(req), q, ctx.clock.now()));
  });

  return r;
}
