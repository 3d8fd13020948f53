import type { Knex } from 'knex';
import { eventHash } from './events.ts';

export type ChainReport =
  | { intact: true; events: number; headHash: string | null }
  | { intact: false; events: number; brokenAt: { seq: number; reason: string } };

/** Recomputes a case's event hash chain from the stored rows. */
export async function verifyChain(knex: Knex, caseId: number): Promise<ChainReport> {
  const rows = await knex('case_events').where({ case_id: caseId }).orderBy('seq');
  const head = await knex('cases').where({ id: caseId }).first('event_seq', 'event_hash');
  let prev: string | null = null;
  let expectedSeq = 1;
  for (const r of rows) {
    if (r.seq !== expectedSeq) return { intact: false, events: rows.length, brokenAt: { seq: expectedSeq, reason: 'missing event' } };
    if (r.prev_hash !== prev) return { intact: false, events: rows.length, brokenAt: { seq: r.seq, reason: 'previous hash does not match' } };
    const h = eventHash(prev, { caseId, seq: r.seq, at: new Date(r.at), actor: r.actor, type: r.type, data: r.data });
    if (h !== r.hash) return { intact: false, events: rows.length, brokenAt: { seq: r.seq, reason: 'content does not match its hash' } };
    prev = h;
    expectedSeq += 1;
  }
  if (head && (head.event_seq !== rows.length || head.event_hash !== prev)) {
    return { intact: false, events: rows.length, brokenAt: { seq: rows.length + 1, reason: 'events after the last stored one were removed or added' } };
  }
  return { intact: true, events: rows.length, headHash: prev };
}
