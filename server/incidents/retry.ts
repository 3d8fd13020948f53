import type { Knex } from 'knex';
import { conflict, notFound } from '../errors/index.ts';
import { StepFailure } from '../engine/index.ts';
import { appendEvents } from '../audit/index.ts';
import { INTAKE_VARIABLES, lockCase, saveStep, type CaseRuntime, type LockedCaseRow } from '../cases/index.ts';
import { getIncident } from './list.ts';

/**
 * Retries the step an incident stopped, under the same budgets — after the
 * definition was fixed, a calendar loaded, or simply once more. A case stopped
 * at intake (no engine state) starts its process with its intake variables; any
 * other resumes from its last saved state (a due timer fires, a task whose
 * completion failed is waiting again). Success reopens the case and marks the
 * incident `retried`; another failure keeps it open with one attempt more.
 */
export async function retryIncident(rt: CaseRuntime, incidentId: number, actor: string) {
  const incident = await getIncident(rt.knex, incidentId);
  if (!incident) throw notFound('Incident', incidentId);
  if (incident.status !== 'open') throw conflict('incident_not_open', `This incident is already ${incident.status}.`);
  try {
    return await rt.knex.transaction(async (trx: Knex.Transaction) => {
      const locked = await lockCase(trx, incident.caseId);
      if (locked.status !== 'incident') throw conflict('case_not_in_incident', `The case is ${locked.status}; there is nothing to retry.`);
      const now = rt.clock.now();
      const result = await runAgain(trx, rt, locked);
      await saveStep(trx, rt, locked, result, actor, [{ type: 'incident.retried', actor, data: { incidentId } }]);
      await trx('incidents').where({ id: incidentId }).update({ status: 'retried', closed_at: now, closed_by: actor, updated_at: now });
      return { incident: { ...incident, status: 'retried', closedAt: now, closedBy: actor }, caseStatus: result.completed ? 'closed' : 'open' };
    });
  } catch (err) {
    if (err instanceof StepFailure) await noteFailedRetry(rt, incidentId, incident.caseId, actor, err);
    throw err;
  }
}

async function runAgain(trx: Knex.Transaction, rt: CaseRuntime, locked: LockedCaseRow) {
  if (locked.engine_state) {
    return rt.step({ name: String(locked.id), definitionId: locked.definition_id, db: trx, state: locked.engine_state as never });
  }
  const row = await trx('cases').where({ id: locked.id }).first('variables');
  const startVariables: Record<string, unknown> = {};
  for (const k of INTAKE_VARIABLES) if (k in (row.variables ?? {})) startVariables[k] = row.variables[k];
  return rt.step({ name: String(locked.id), definitionId: locked.definition_id, db: trx, startVariables });
}

/** The retry's own transaction rolled back: count the attempt and say so on the timeline. */
async function noteFailedRetry(rt: CaseRuntime, incidentId: number, caseId: number, actor: string, err: StepFailure) {
  await rt.knex.transaction(async (trx) => {
    const locked = await lockCase(trx, caseId);
    const now = rt.clock.now();
    await trx('incidents').where({ id: incidentId }).update({ attempts: trx.raw('attempts + 1'), reason: err.reason, element_id: err.elementId, message: err.message, updated_at: now });
    const head = await appendEvents(trx, { caseId, regionId: locked.region_id, seq: locked.event_seq, hash: locked.event_hash }, now, [
      { type: 'incident.retry_failed', actor, data: { incidentId, reason: err.reason, elementId: err.elementId, message: err.message } },
    ]);
    await trx('cases').where({ id: caseId }).update({ event_seq: head.seq, event_hash: head.hash, updated_at: now });
  });
  (err.details as Record<string, unknown>).incidentId = incidentId;
}
