import type { Knex } from 'knex';
import { appendEvents, type NewEvent } from '../audit/index.ts';
import { lockCase, type LockedCaseRow } from './advance.ts';
import type { LogScope } from '../log/index.ts';

export interface CaseAction {
  trx: Knex.Transaction;
  locked: LockedCaseRow;
  now: Date;
  /** Events to append to the case's timeline when the action's function returns. */
  events: NewEvent[];
}

/**
 * One work-order action outside the engine (claim, return, merge, …): lock the
 * case, act, append the timeline events to its hash chain, commit — all or
 * nothing. The pattern every event on a case must follow.
 */
export async function actOnCase<T>(rt: { knex: Knex; clock: { now(): Date }; logScope?: LogScope }, caseId: number, fn: (a: CaseAction) => Promise<T>): Promise<T> {
  return rt.knex.transaction(async (trx: Knex.Transaction) => {
    const locked = await lockCase(trx, caseId);
    rt.logScope?.fill({ caseId: Number(locked.id), region: locked.region_id });
    const now = rt.clock.now();
    const events: NewEvent[] = [];
    const result = await fn({ trx, locked, now, events });
    await flushEvents(trx, caseId, now, events);
    return result;
  });
}

/**
 * Appends events to a case the transaction has locked, reading the chain head
 * afresh (an engine step in the same transaction may have moved it), and
 * empties the list.
 */
export async function flushEvents(trx: Knex.Transaction, caseId: number, now: Date, events: NewEvent[]): Promise<void> {
  if (!events.length) return;
  const row = await trx('cases').where({ id: caseId }).first('region_id', 'event_seq', 'event_hash');
  const head = await appendEvents(trx, { caseId, regionId: row.region_id, seq: row.event_seq, hash: row.event_hash }, now, events.splice(0));
  await trx('cases').where({ id: caseId }).update({ event_seq: head.seq, event_hash: head.hash, updated_at: now });
}
