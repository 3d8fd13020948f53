import type { Knex } from 'knex';
import { appendEvents } from '../audit/index.ts';
import { StepFailure } from '../engine/index.ts';
import { lockCase } from './advance.ts';
import type { CaseRuntime } from './runtime.ts';

/** What an incident records of a failed step. */
export interface IncidentFacts {
  action: string;
  reason: string;
  elementId: string | null;
  message: string;
}

/** The facts of a failure: a StepFailure knows its reason and element; anything else is an engine error. */
export function incidentFacts(action: string, err: unknown): IncidentFacts {
  if (err instanceof StepFailure) return { action, reason: err.reason, elementId: err.elementId, message: err.message };
  return { action, reason: 'engine_error', elementId: null, message: err instanceof Error ? err.message : String(err) };
}

/**
 * Writes an incident inside a transaction that holds the case row: the row in
 * `incidents`, a `case.incident` event on the timeline, and the case set to
 * status `incident` with no wake-up, so no scheduler resumes it until staff
 * retry or resolve it (server/incidents). Returns the incident's id.
 */
export async function writeIncident(
  trx: Knex.Transaction,
  rt: Pick<CaseRuntime, 'node'>,
  c: { id: number; region_id: string; event_seq: number; event_hash: string | null },
  now: Date,
  facts: IncidentFacts,
): Promise<number> {
  const [row] = await trx('incidents')
    .insert({ region_id: c.region_id, case_id: c.id, element_id: facts.elementId, action: facts.action, reason: facts.reason, message: facts.message, node: rt.node, created_at: now, updated_at: now })
    .returning('id');
  const id = Number(row.id ?? row);
  const head = await appendEvents(trx, { caseId: c.id, regionId: c.region_id, seq: c.event_seq, hash: c.event_hash }, now, [
    { type: 'case.incident', actor: 'system', data: { incidentId: id, ...facts } },
  ]);
  await trx('cases')
    .where({ id: c.id })
    .update({
      status: 'incident',
      incident: JSON.stringify({ id, at: now.toISOString(), ...facts, node: rt.node }),
      next_wake_at: null,
      event_seq: head.seq,
      event_hash: head.hash,
      updated_at: now,
    });
  return id;
}

/**
 * Records a failed step on its case in a transaction of its own (the step's own
 * transaction has rolled back). A case that is no longer open (closed, or
 * already in incident) is left alone. Returns the incident's id, or null.
 */
export async function recordIncident(rt: CaseRuntime, caseId: number, action: string, err: unknown): Promise<number | null> {
  const facts = incidentFacts(action, err);
  return rt.knex.transaction(async (trx) => {
    const locked = await lockCase(trx, caseId);
    if (locked.status !== 'open') return null;
    const id = await writeIncident(trx, rt, locked, rt.clock.now(), facts);
    rt.logger.warn({ caseId, region: locked.region_id, incidentId: id, reason: facts.reason, elementId: facts.elementId ?? undefined }, `incident ${id} on case ${caseId}: ${facts.action}: ${facts.reason}${facts.elementId ? ` at ${facts.elementId}` : ''}: ${facts.message}`);
    return id;
  });
}

/**
 * Runs `fn`, which runs an engine step on `caseId` in its own transaction; if
 * the step fails, that transaction has rolled back, the incident is recorded,
 * and the caller gets the StepFailure with the incident's id in its details.
 */
export async function withIncident<T>(rt: CaseRuntime, caseId: () => number | null, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const id = caseId();
    if (err instanceof StepFailure && id !== null) {
      const incidentId = await recordIncident(rt, id, action, err).catch((e) => {
        rt.logger.error({ caseId: id, err: e }, `could not record the incident of case ${id}`);
        return null;
      });
      (err.details as Record<string, unknown>).incidentId = incidentId;
      (err.details as Record<string, unknown>).caseId = id;
    }
    throw err;
  }
}
