import type { Knex } from 'knex';
import { z } from 'zod';

export const incidentQuerySchema = z.object({
  region: z.string().max(40).optional(),
  status: z.enum(['open', 'retried', 'resolved', 'all']).default('open'),
  caseId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type IncidentQuery = z.infer<typeof incidentQuerySchema>;

export const INCIDENT_COLUMNS = ['i.id', 'i.region_id', 'i.case_id', 'c.case_no', 'c.title', 'i.element_id', 'i.action', 'i.reason', 'i.message', 'i.status', 'i.attempts', 'i.created_at', 'i.updated_at', 'i.closed_at', 'i.closed_by', 'i.resolution'];

/** An incident as the API shows it. */
export function incidentView(r: Record<string, any>) {
  return {
    id: Number(r.id),
    regionId: r.region_id,
    caseId: Number(r.case_id),
    caseNo: r.case_no,
    caseTitle: r.title,
    elementId: r.element_id,
    action: r.action,
    reason: r.reason,
    message: r.message,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    resolution: r.resolution,
  };
}

/** Incidents of the given regions, newest first, with the total for paging. */
export async function listIncidents(knex: Knex, regions: string[] | null, q: IncidentQuery) {
  const base = knex('incidents as i').join('cases as c', 'c.id', 'i.case_id');
  if (regions) base.whereIn('i.region_id', regions);
  if (q.region) base.where('i.region_id', q.region);
  if (q.status !== 'all') base.where('i.status', q.status);
  if (q.caseId) base.where('i.case_id', q.caseId);
  const [rows, count] = await Promise.all([
    base.clone().select(INCIDENT_COLUMNS).orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(q.limit).offset(q.offset),
    base.clone().count<{ n: string }[]>('* as n'),
  ]);
  return { items: rows.map(incidentView), total: Number(count[0]?.n ?? 0) };
}

/** One incident by id (any region: the caller checks the region). */
export async function getIncident(knex: Knex, id: number) {
  const row = await knex('incidents as i').join('cases as c', 'c.id', 'i.case_id').where('i.id', id).first(INCIDENT_COLUMNS);
  return row ? incidentView(row) : null;
}
