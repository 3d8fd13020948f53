import { createHash, createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import { canonicalJson } from './canonical.ts';
import { auditKeyOf } from './keys.ts';

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

/** Chain versions: 1 a plain SHA-256 (events written before issue 11), 2 an HMAC-SHA-256 under the audit key. */
export const HASH_VERSION = 2;

type EventContent = { caseId: number; seq: number; at: Date; actor: string; type: string; data: unknown };

/**
 * The hash of one event: covers its content and the previous event's hash.
 * Version 1 (plain SHA-256) anyone can recompute, so a database writer could
 * rewrite history and its chain; version 2 is an HMAC under a key the database
 * does not hold. The same bytes are hashed either way, at the same cost.
 */
export function eventHash(prevHash: string | null, e: EventContent, version: 1 | 2 = 1, key?: Buffer): string {
  if (version === 2 && !key) throw new Error('an HMAC event hash needs the audit key');
  const h = version === 2 ? createHmac('sha256', key!) : createHash('sha256');
  return h
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
  const chained = chainEvents(head, at, events, auditKeyOf(trx));
  if (chained.insert) await chained.insert(trx);
  return chained.head;
}

/**
 * `appendEvents` in two halves: the rows and new chain head are computed here,
 * and `insert` builds the statement, for a caller that sends it together with
 * its other writes (writeTogether). `insert` is null when there is nothing to add.
 * `key` is the audit key: `auditKeyOf(trx)`.
 */
export function chainEvents(head: ChainHead, at: Date, events: NewEvent[], key: Buffer): { head: ChainHead; insert: ((db: Knex | Knex.Transaction) => Knex.QueryBuilder) | null } {
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
      hash_version: HASH_VERSION,
      hash: eventHash(hash, { caseId: head.caseId, seq, at, actor: e.actor, type: e.type, data }, HASH_VERSION, key),
    };
    hash = row.hash;
    return row;
  });
  return { head: { ...head, seq, hash }, insert: (db) => db('case_events').insert(rows) };
}
