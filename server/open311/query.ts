import type { Knex } from 'knex';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { readCatalogue } from '../catalogue/index.ts';
import { AppError } from '../errors/index.ts';
import { commaList, text, w3cDatetime } from './fields.ts';
import { resolveJurisdiction } from './jurisdiction.ts';
import { latestPublicSteps, requestView, selectPublic, type PublicCaseRow, type RequestView } from './view.ts';

/** The spec's defaults: the last 90 days, at most 1000 requests; a longer range is refused. */
export const MAX_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 24 * 3600 * 1000;

export const requestQuerySchema = z.object({
  jurisdiction_id: text(40),
  // Overrides every other filter (but the jurisdiction).
  service_request_id: commaList(z.string().max(40)),
  // Checked against the jurisdiction's catalogue in findRequests.
  service_code: commaList(z.string().max(40)),
  start_date: w3cDatetime(),
  end_date: w3cDatetime(),
  status: commaList(z.enum(['open', 'closed'], { error: 'open or closed' })),
});
export type RequestQuery = z.infer<typeof requestQuerySchema>;

/** The requested_datetime window: defaults filled, the 90-day limit enforced. */
export function requestedWindow(q: RequestQuery, now: Date): { from: Date; to: Date } {
  const to = q.end_date ?? (q.start_date ? new Date(Math.min(q.start_date.getTime() + MAX_SPAN_DAYS * DAY_MS, now.getTime())) : now);
  const from = q.start_date ?? new Date(to.getTime() - MAX_SPAN_DAYS * DAY_MS);
  if (from > to) throw new AppError('date_range_invalid', 'start_date is after end_date.', { status: 400 });
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * DAY_MS) {
    throw new AppError('date_range_too_long', `start_date to end_date may span at most ${MAX_SPAN_DAYS} days.`, { status: 400 });
  }
  return { from, to };
}

async function views(knex: Knex, rows: PublicCaseRow[]): Promise<RequestView[]> {
  const steps = await latestPublicSteps(knex, rows.map((r) => Number(r.id)));
  return rows.map((r) => requestView(r, steps.get(Number(r.id))));
}

/**
 * GET /requests: a jurisdiction's requests, newest first. By id the list is
 * exactly those cases (unknown ids are left out, as the spec's list allows);
 * otherwise by service codes, status and the requested_datetime window.
 */
export async function findRequests(ctx: AppContext, knex: Knex, rawQuery: unknown): Promise<RequestView[]> {
  const raw = (rawQuery ?? {}) as Record<string, unknown>;
  const region = await resolveJurisdiction(ctx.knex, raw.jurisdiction_id);
  const q = requestQuerySchema.parse(raw);
  if (q.service_code && !q.service_request_id) await checkServiceCodes(ctx.knex, region, q.service_code);
  const base = selectPublic(knex, knex('cases as c').where('c.region_id', region));
  if (q.service_request_id) {
    base.whereIn('c.case_no', q.service_request_id);
  } else {
    const { from, to } = requestedWindow(q, ctx.clock.now());
    base.where('c.created_at', '>=', from).where('c.created_at', '<=', to);
    if (q.service_code) base.whereIn('c.category', q.service_code);
    if (q.status && q.status.length === 1) base[q.status[0] === 'closed' ? 'where' : 'whereNot']('c.status', 'closed');
  }
  const rows = (await base.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(MAX_REQUESTS)) as PublicCaseRow[];
  return views(knex, rows);
}

/**
 * Codes of the jurisdiction's catalogue: its nodes, retired ones too (their
 * requests are still there to find), and the default nodes it hides.
 */
async function checkServiceCodes(knex: Knex, region: string, codes: string[]): Promise<void> {
  const tree = await readCatalogue(knex, region);
  const unknown = codes.filter((c) => !tree.byCode.has(c) && !tree.hidden.includes(c));
  if (unknown.length) throw new AppError('service_code_invalid', `service_code: ${unknown.join(', ')} is not one of our service codes (GET services).`, { status: 400 });
}

/** GET /requests/:id: a list of one (the spec's shape), or 404 — also for another jurisdiction's case. */
export async function findRequest(ctx: AppContext, knex: Knex, caseNo: string, rawQuery: unknown): Promise<RequestView[]> {
  const raw = (rawQuery ?? {}) as Record<string, unknown>;
  const region = await resolveJurisdiction(ctx.knex, raw.jurisdiction_id);
  const rows = (await selectPublic(knex, knex('cases as c').where({ 'c.region_id': region, 'c.case_no': caseNo }))) as PublicCaseRow[];
  if (!rows.length) throw new AppError('request_not_found', `Service request ${caseNo} was not found.`, { status: 404 });
  return views(knex, rows);
}
