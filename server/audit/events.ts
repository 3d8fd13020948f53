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
  const chained = chainEvents(head, at, events);
  if (chained.insert) await chained.insert(trx);
  return chained.head;
}

/**
 * `appendEvents` in two halves: the rows and new chain head are computed here,
 * and `insert` builds the statement, for a caller that sends it together with
 * its other writes (writeTogether). `insert` is null when there is nothing to add.
 */
export function chainEvents(head: ChainHead, at: Date, events: NewEvent[]): { head: ChainHead; insert: ((db: Knex | Knex.Transaction) => Knex.QueryBuilder) | null } {
  if (!events.length) return { head, insert: null };
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
  return { head: { ...head, seq, hash }, insert: (db) => db('case_events').insert(rows) };
}
