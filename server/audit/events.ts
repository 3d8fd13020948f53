import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { canonicalJson } from './canonical.ts';

export interface NewEvent {
  type: string;
  actor: string;
  data?: Record<string, unknown>;
}

export interface ChainHead {
  caseId: number;
  regionId: string;
  seq: number;
  hash: string | null;
}

/** The hash of one event: covers its content and the previous event's hash. */
export function eventHash(prevHash: string | null, e: { caseId: number; seq: number; at: Date; actor: string; type: string; data: unknown }): string {
  return createHash('sha256')
    .update(prevHash ?? '')
    .update('\n')
    .update(canonicalJson([e.caseId, e.seq, e.at.toISOString(), e.actor, e.type, e.data ?? {}]))
    .digest('hex');
}

/**
 * Appends events to a case's timeline inside the caller's transaction, which
 * holds the case row locked; returns the new chain head to store on the case.
 * Each event stores the hash of the one before it, so any later edit of a row
 * breaks the chain at that row.
 */
export async function appendEvents(trx: Knex.Transaction, head: ChainHead, at: Date, events: NewEvent[]): Promise<ChainHead> {
  if (!events.length) return head;
  let { seq, hash } = head;
  const rows = events.map((e) => {
    seq += 1;
    const data = e.data ?? {};
    const row = {
      case_id: head.caseId,
      region_id: head.regionId,
      seq,
      at,
      actor: e.actor,
      type: e.type,
      data: JSON.stringify(data),
      prev_hash: hash,
      hash: eventHash(hash, { caseId: head.caseId, seq, at, actor: e.actor, type: e.type, data }),
    };
    hash = row.hash;
    return row;
  });
  await trx('case_events').insert(rows);
  return { ...head, seq, hash };
}
