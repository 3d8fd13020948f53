import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { toCsv } from '../audit/index.ts';
import { BREACH_CSV_HEADERS, breachCsvRows, breachesPerWeek, breachQuerySchema, limitsBodySchema, listBreaches, listLimits, listProvisional, upsertLimits, type Sla } from '../sla/index.ts';

/**
 * The auditor's view of SLA records (read-only, scoped to the auditor's
 * region; admin sees all) and the limits table (admin edits).
 */
export function slaRouter(ctx: AppContext, sla: Sla): Router {
  const r = Router();
  const { auth } = ctx;
  const auditors = auth.require('auditor', 'admin');

  r.get('/sla/breaches', auditors, async (req, res) => {
    const q = breachQuerySchema.parse(req.query);
    if (q.region) auth.checkRegion(req, q.region);
    const scope = auth.regions(req);
    const now = ctx.clock.now();
    if (q.format === 'csv') {
      const { items } = await listBreaches(ctx.read.reader(req), scope, q, now, { all: true });
      const name = `sla-${q.kind}-${q.region ?? 'all'}-${now.toISOString().slice(0, 10)}.csv`;
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name}"`);
      res.send(toCsv(BREACH_CSV_HEADERS, breachCsvRows(items)));
      return;
    }
    const page = await listBreaches(ctx.read.reader(req), scope, q, now);
    const alerts = await listProvisional(ctx.read.reader(req), scope, q.region);
    res.json({ ...page, alerts: { provisional: alerts.length } });
  });

  // The dashboard's weekly chart: counted over every record, not over one page of the table.
  r.get('/sla/breaches/weekly', auditors, async (req, res) => {
    const q = breachQuerySchema.parse(req.query);
    if (q.region) auth.checkRegion(req, q.region);
    res.json({ kind: q.kind, weeks: await breachesPerWeek(ctx.read.reader(req), auth.regions(req), q) });
  });

  // Due times computed without a loaded holiday calendar: the alert lines of the auditor's view.
  r.get('/sla/alerts', auditors, async (req, res) => {
    const region = typeof req.query.region === 'string' ? req.query.region : undefined;
    if (region) auth.checkRegion(req, region);
    res.json({ provisional: await listProvisional(ctx.read.reader(req), auth.regions(req), region) });
  });

  r.get('/sla/limits/:region', auth.require('auditor', 'admin', 'designer'), async (req, res) => {
    const region = String(req.params.region);
    auth.checkRegion(req, region, { allowDefault: true });
    res.json({ region, limits: await listLimits(ctx.knex, region) });
  });

  r.put('/sla/limits/:region', auth.require('admin'), async (req, res) => {
    const region = String(req.params.region);
    const n = await upsertLimits(ctx.knex, region, limitsBodySchema.parse(req.body), ctx.clock.now());
    await sla.changed();
    res.json({ region, updated: n, limits: await listLimits(ctx.knex, region) });
  });

  return r;
}
