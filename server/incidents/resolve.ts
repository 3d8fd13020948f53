import { z } from 'zod';
import { conflict, notFound } from '../errors/index.ts';
import { actOnCase, closeFromOutside, type CaseRuntime } from '../cases/index.ts';
import { getIncident } from './list.ts';

export const resolveIncidentSchema = z.object({
  reason: z.string().trim().min(1).max(1000).describe('Shown to the citizen on the tracking page as the closing note'),
});

/**
 * Gives up on the process of an incident's case: the case closes with a reason
 * the citizen sees (every request gets an answer), its open tasks are
 * cancelled, no timer is left, and the incident is marked `resolved`.
 */
export async function resolveIncident(rt: CaseRuntime, incidentId: number, actor: string, input: z.infer<typeof resolveIncidentSchema>) {
  const incident = await getIncident(rt.knex, incidentId);
  if (!incident) throw notFound('Incident', incidentId);
  if (incident.status !== 'open') throw conflict('incident_not_open', `This incident is already ${incident.status}.`);
  return actOnCase(rt, incident.caseId, async ({ trx, locked, now, events }) => {
    if (locked.status !== 'incident') throw conflict('case_not_in_incident', `The case is ${locked.status}; close it the usual way.`);
    await trx('incidents').where({ id: incidentId }).update({ status: 'resolved', resolution: input.reason, closed_at: now, closed_by: actor, updated_at: now });
    events.push({ type: 'case.incident_resolved', actor, data: { incidentId, reason: input.reason } });
    events.push(...(await closeFromOutside(trx, locked.id, now, { kind: 'incident', reason: { reason: input.reason, incidentId }, actor })));
    events.push({ type: 'case.closed', actor, data: { kind: 'incident' } });
    return { incident: { ...incident, status: 'resolved', resolution: input.reason, closedAt: now, closedBy: actor }, caseStatus: 'closed' };
  });
}
