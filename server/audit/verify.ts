import type { Knex } from 'knex';
import { eventHash } from './events.ts';
import { auditKeyOf } from './keys.ts';
import { checkAnchor } from './anchors.ts';

/** `anchored`: the latest daily anchor covering one of the case's days, and whether that day as stored still matches it. */
type Anchored = { anchored?: { day: string; matches: boolean } };

export type ChainReport =
  | ({ intact: true; events: number; headHash: string | null } & Anchored)
  | ({ intact: false; events: number; brokenAt: { seq: number; reason: string } } & Anchored);

/**
 * Recomputes a case's event chain from the stored rows, each by its version:
 * 1 plain SHA-256 (rows from before the HMAC chain), 2 HMAC under the audit key.
 * A version never goes down along a chain, so a writer cannot pass off a
 * recomputed tail as old rows.
 */
export async function verifyChain(knex: Knex, caseId: number): Promise<ChainReport> {
  const key = auditKeyOf(knex);
  const rows = await knex('case_events').where({ case_id: caseId }).orderBy('seq');
  const head = await knex('cases').where({ id: caseId }).first('event_seq', 'event_hash', 'region_id');
  const anchored = head ? await checkAnchor(knex, caseId, head.region_id) : undefined;
  const extra = anchored ? { anchored } : {};
  const broken = (seq: number, reason: string): ChainReport => ({ intact: false, events: rows.length, brokenAt: { seq, reason }, ...extra });
  let prev: string | null = null;
  let expectedSeq = 1;
  let version = 1;
  for (const r of rows) {
    if (r.seq !== expectedSeq) return broken(expectedSeq, 'missing event');
    if (r.prev_hash !== prev) return broken(r.seq, 'previous hash does not match');
    const v = Number(r.hash_version ?? 1);
    if (v !== 1 && v !== 2) return broken(r.seq, `unknown hash version ${v}`);
    if (v < version) return broken(r.seq, 'hash version went down');
    version = v;
    const h = eventHash(prev, { caseId, seq: r.seq, at: new Date(r.at), actor: r.actor, type: r.type, data: r.data }, v as 1 | 2, key);
    if (h !== r.hash) return broken(r.seq, 'content does not match its hash');
    prev = h;
    expectedSeq += 1;
  }
  if (head && (head.event_seq !== rows.length || head.event_hash !== prev)) {
    return broken(rows.length + 1, 'events after the last stored one were removed or added');
  }
  if (anchored && !anchored.matches) return broken(rows.length, `the events of ${anchored.day} no longer match that day's signed anchor`);
  return { intact: true, events: rows.length, headHash: prev, ...extra };
}

/** A case's chain report with its case number, found by id or by case number (auditors type the number); null when no such case. */
export async function verifyCase(knex: Knex, ref: { id: number } | { caseNo: string }): Promise<({ caseId: number; caseNo: string; regionId: string } & ChainReport) | null> {
  const row = await knex('cases')
    .where('id' in ref ? { id: ref.id } : { case_no: ref.caseNo })
    .first('id', 'case_no', 'region_id');
  if (!row) return null;
  const id = Number(row.id);
  return { caseId: id, caseNo: row.case_no, regionId: row.region_id, ...(await verifyChain(knex, id)) };
}
