import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { metricsForPeriod, metricsQuerySchema } from '../sla/index.ts';
import { REPORT_READERS } from '../auth/index.ts';
import { routes } from './openapi.ts';

/** 三率, 按期办结率, volumes and handling time for auditors, leaders (admin too), scoped to their region. */
export function metricsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/metrics', {
    summary: '三率 (响应率, 解决率, 满意率), 按期办结率, volumes', tags: ['sla'], roles: REPORT_READERS, query: metricsQuerySchema,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    // Each case is counted by its region's 三率 definitions (server/rules); `of` refreshes a stale copy first.
    await ctx.rules.of(query.region);
    res.json(await metricsForPeriod(ctx.read.reader(req), auth.regions(req), query, ctx.clock.now(), (region) => ctx.rules.cached(region)));
  });

  return r;
}
