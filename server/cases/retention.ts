import type { Knex } from 'knex';
import { actOnCase } from './act.ts';

const DAY_MS = 86_400_000;

/** The sealed contact columns of a case (name, phone, ID number and their search hashes). */
const CONTACT_COLUMNS = ['contact_name_enc', 'contact_phone_enc', 'contact_phone_hash', 'contact_id_enc', 'contact_id_hash', 'contact_email_enc'] as const;

/**
 * Personal data is kept only as long as it is needed (PIPL art. 19): the
 * contact details of cases closed more than `retentionDays` ago are erased,
 * each erasure on the case's timeline. The case itself, its handling and its
 * evaluation stay for the statistics and the audit trail. Runs in batches so a
 * first run over years of cases never holds a long transaction.
 */
export async function purgeClosedContacts(rt: { knex: Knex; clock: { now(): Date } }, retentionDays: number, batch = 500): Promise<number> {
  const cutoff = new Date(rt.clock.now().getTime() - retentionDays * DAY_MS);
  let purged = 0;
  for (;;) {
    const ids: number[] = await rt.knex('cases')
      .where('status', 'closed')
      .where('closed_at', '<', cutoff)
      .where((w) => {
        for (const c of CONTACT_COLUMNS) w.orWhereNotNull(c);
        // Authors of citizens' updates (Open311 servicerequestupdates) are personal data of the case too.
        w.orWhereExists((q) => q.from('citizen_updates as u').whereRaw('u.case_id = cases.id').where((u) => u.whereNotNull('u.author_name_enc').orWhereNotNull('u.author_email_enc')));
      })
      .orderBy('closed_at')
      .limit(batch)
      .pluck('id');
    for (const id of ids) {
      await actOnCase(rt, Number(id), async ({ trx, events }) => {
        const cleared = Object.fromEntries(CONTACT_COLUMNS.map((c) => [c, null]));
        const n = await trx('cases').where({ id }).update(cleared);
        await trx('citizen_updates').where({ case_id: id }).update({ author_name_enc: null, author_email_enc: null });
        if (n) events.push({ type: 'case.contact_purged', actor: 'system', data: { retentionDays } });
      });
    }
    purged += ids.length;
    if (ids.length < batch) return purged;
  }
}

/**
 * Idempotency keys only need to outlive a client's retries; their stored
 * answers hold tracking codes, so they are not kept longer than that.
 * A submission retried after `keepDays` is a new request.
 */
export async function purgeIdempotencyKeys(rt: { knex: Knex; clock: { now(): Date } }, keepDays = 7): Promise<number> {
  const cutoff = new Date(rt.clock.now().getTime() - keepDays * DAY_MS);
  return rt.knex('idempotency_keys').where('created_at', '<', cutoff).delete();
}
