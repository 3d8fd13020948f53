import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { toCsv } from '../audit/index.ts';
import { recordChange } from '../admin-log/index.ts';
import { BREACH_CSV_HEADERS, breachCsvRows, breachesPerWeek, breachQuerySchema, limitsBodySchema, listBreaches, listLimits, listProvisional, regionDay, upsertLimits, type Sla } from '../sla/index.ts';
import { routes } from './openapi.ts';
import { readCatalogue } from '../catalogue/index.ts';
import { invalid } from '../errors/index.ts';
import { REPORT_READERS } from '../auth/index.ts';

const TAGS = ['sla'];
const AUDITORS = ['auditor', 'admin'] as const;
const alertsQuery = z.object({ region: z.string().max(40).optional() });

/**
 * The auditor's view of SLA records (read-only, scoped to the auditor's
 * region; admin sees all; leaders read breaches, not alerts) and the limits table (admin edits).
 */
export function slaRouter(ctx: AppContext, sla: Sla): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/sla/breaches', {
    summary: 'SLA breaches (JSON, or format=csv for Excel/WPS)', tags: TAGS, roles: REPORT_READERS, query: breachQuerySchema,
  }, async (req, res, { query: q }) => {
    if (q.region) auth.checkRegion(req, q.region);
    const scope = auth.regions(req);
    const now = ctx.clock.now();
    if (q.format === 'csv') {
      const { items } = await listBreaches(ctx.read.reader(req), scope, q, now, { all: true });
      // Named by the region's own date (a file saved at 07:00 in Beijing is of today, not of yesterday's UTC date).
      const day = await regionDay(ctx.knex, q.region ?? (scope !== 'all' && scope.length === 1 ? scope[0] : null), now);
      const name = `sla-${q.kind}-${q.region ?? 'all'}-${day}.csv`;
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
  api.get('/sla/breaches/weekly', {
    summary: 'SLA breaches (or warnings) per week of their due time, same filters, every record counted', tags: TAGS, roles: REPORT_READERS, query: breachQuerySchema,
  }, async (req, res, { query: q }) => {
    if (q.region) auth.checkRegion(req, q.region);
    res.json({ kind: q.kind, weeks: await breachesPerWeek(ctx.read.reader(req), auth.regions(req), q) });
  });

  // Due times computed without a loaded holiday calendar: the alert lines of the auditor's view.
  api.get('/sla/alerts', {
    summary: 'SLA alerts (e.g. provisional due times without a loaded calendar)', tags: TAGS, roles: [...AUDITORS], query: alertsQuery,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    res.json({ provisional: await listProvisional(ctx.read.reader(req), auth.regions(req), query.region) });
  });

  api.get('/sla/limits/:region', {
    summary: 'Response and resolution limits of a region (category × urgency); `default` holds the limits every region inherits',
    tags: TAGS, roles: ['auditor', 'admin', 'designer'],
  }, async (req, res) => {
    const region = String(req.params.region);
    res.json({ region, limits: await listLimits(ctx.knex, region) });
  });

  api.put('/sla/limits/:region', {
    summary: 'Set the limits of a region (category: a node code of its request catalogue, a branch for all below it, or `*`); `remove` drops the region\'s own rows so they inherit again',
    tags: TAGS, roles: ['admin'], body: limitsBodySchema, errors: { 404: ['not_found'], 422: ['category_unknown'] },
  }, async (req, res, { body }) => {
    const region = String(req.params.region);
    // A limit no case could ever use is refused: any node of the region's effective catalogue, retired ones included.
    const tree = await readCatalogue(ctx.knex, region);
    const unknown = [...new Set(body.limits.map((l) => l.category))].filter((c) => c !== '*' && !tree.byCode.has(c));
    if (unknown.length) throw invalid('category_unknown', `Not in the request catalogue of ${region}: ${unknown.join(', ')}.`, { categories: unknown });
    const before = await listLimits(ctx.knex, region);
    const n = await upsertLimits(ctx.knex, region, body, ctx.clock.now());
    await sla.changed();
    const after = await listLimits(ctx.knex, region);
    await recordChange(ctx.knex, { at: ctx.clock.now(), actor: auth.actor(req), regionId: region, entity: 'sla_limits', key: region, before, after });
    res.json({ region, updated: n, limits: after });
  });

  return r;
}
