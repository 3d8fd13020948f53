import type { Knex } from 'knex';
import type { Sealer } from '../crypto/index.ts';

export type NoticeKind = 'intake' | 'reply';

/** A claimed message: recipient and text still sealed (opened only to hand them to the transport). */
export interface ClaimedNotice {
  id: number;
  caseId: number;
  caseNo: string;
  regionId: string;
  kind: NoticeKind;
  recipient: string;
  body: string;
  /** Counting this one. */
  attempts: number;
}

/**
 * Queues a message in the caller's transaction, the one that writes the change it tells of:
 * committed together or not at all. `recipient` comes sealed (the case's own sealed phone).
 */
export async function queueNotice(
  trx: Knex | Knex.Transaction,
  sealer: Sealer,
  n: { regionId: string; caseId: number; kind: NoticeKind; recipient: string; text: string; now: Date },
): Promise<void> {
  await trx('notification_outbox').insert({
    region_id: n.regionId, case_id: n.caseId, kind: n.kind, channel: 'sms',
    recipient: n.recipient, body: sealer.seal(n.text), status: 'pending', attempts: 0,
    next_attempt_at: n.now, created_at: n.now,
  });
}

/**
 * Claims up to `limit` due messages for `node` in one statement. SKIP LOCKED lets senders on
 * every node claim side by side without waiting on each other or taking the same row; the
 * lease (`locked_until`) hands a row back when its sender died between claim and mark.
 */
export async function claimDueNotices(knex: Knex, opts: { node: string; now: Date; leaseMs: number; limit: number }): Promise<ClaimedNotice[]> {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const { rows } = await knex.raw(
    `with claimed as (
       update notification_outbox set locked_by = ?, locked_until = ?, attempts = attempts + 1
        where id in (select id from notification_outbox
                      where status = 'pending' and next_attempt_at <= ? and (locked_until is null or locked_until <= ?)
                      order by next_attempt_at, id limit ? for update skip locked)
       returning id, case_id, region_id, kind, recipient, body, attempts)
     select claimed.*, c.case_no from claimed join cases c on c.id = claimed.case_id order by claimed.id`,
    [opts.node, until, opts.now, opts.now, opts.limit],
  );
  return rows.map((r: Record<string, any>) => ({
    id: Number(r.id), caseId: Number(r.case_id), caseNo: r.case_no, regionId: r.region_id, kind: r.kind,
    recipient: r.recipient, body: r.body, attempts: Number(r.attempts),
  }));
}

/** The outcome of one attempt, written only while `node` still holds the lease. */
export async function settleNotice(
  knex: Knex,
  id: number,
  node: string,
  outcome: { sent: true; now: Date } | { sent: false; now: Date; error: string; retryAt: Date | null },
): Promise<void> {
  const free = { locked_by: null, locked_until: null };
  const values = outcome.sent
    ? { ...free, status: 'sent', sent_at: outcome.now, last_error: null }
    : outcome.retryAt
      ? { ...free, next_attempt_at: outcome.retryAt, last_error: outcome.error.slice(0, 1000) }
      : { ...free, status: 'failed', last_error: outcome.error.slice(0, 1000) };
  await knex('notification_outbox').where({ id, locked_by: node, status: 'pending' }).update(values);
}
