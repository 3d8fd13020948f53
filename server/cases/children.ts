import type { Knex } from 'knex';
import { appendEvents } from '../audit/index.ts';

/**
 * 并单: cases merged into a parent wait in status `merged` and close with it
 * ("随主单办结"). Called in the transaction that closes the parent, however it
 * closes (its process ends, a transfer, not-accepted, its own merge).
 */
export async function closeMergedChildren(trx: Knex.Transaction, parentId: number, now: Date, actor: string): Promise<number[]> {
  const children = await trx('cases')
    .where({ parent_case_id: parentId, status: 'merged' })
    .orderBy('id')
    .forUpdate()
    .select('id', 'region_id', 'event_seq', 'event_hash');
  for (const c of children) {
    const head = await appendEvents(trx, { caseId: c.id, regionId: c.region_id, seq: c.event_seq, hash: c.event_hash }, now, [
      { type: 'case.closed', actor, data: { reason: 'parent_closed', parentCaseId: parentId } },
    ]);
    await trx('cases').where({ id: c.id }).update({ status: 'closed', closed_at: now, next_wake_at: null, event_seq: head.seq, event_hash: head.hash, updated_at: now });
    // A child's own children (a merge of a merge) close too.
    await closeMergedChildren(trx, c.id, now, actor);
  }
  return children.map((c: { id: number }) => c.id);
}
