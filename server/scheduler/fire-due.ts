import type { Knex } from 'knex';
import { advanceLockedCase, recordIncident, type CaseRuntime, type LockedCaseRow } from '../cases/index.ts';

const CLAIM_COLUMNS = ['id', 'region_id', 'definition_id', 'status', 'engine_state', 'state_version', 'event_seq', 'event_hash', 'next_wake_at'];

/**
 * Claims up to `batch` cases whose wake-up is due and resumes each, firing its
 * due timers. The claim is `FOR UPDATE SKIP LOCKED` inside the transaction that
 * also saves the result: another node skips these rows, and a crash before the
 * commit leaves nothing fired — the case is simply due again. Each case runs in
 * its own savepoint so one failing case never blocks the others.
 * Returns how many cases were claimed.
 */
export async function fireDueTimers(rt: CaseRuntime, batch = 50): Promise<{ claimed: number; failed: number[] }> {
  const failed: number[] = [];
  const claimed = await rt.knex.transaction(async (trx: Knex.Transaction) => {
    const now = rt.clock.now();
    const rows: LockedCaseRow[] = await trx('cases')
      .select(CLAIM_COLUMNS)
      .where('status', 'open')
      .where('next_wake_at', '<=', now)
      .orderBy('next_wake_at')
      .limit(batch)
      .forUpdate()
      .skipLocked();
    for (const row of rows) {
      try {
        await trx.transaction((sp) => advanceLockedCase(sp, rt, row, { actor: 'system' }));
      } catch (err) {
        failed.push(row.id);
        (rt as { log?: (m: string) => void }).log?.(`timer on case ${row.id} failed: ${(err as Error).message}`);
      }
    }
    return rows.length;
  });
  // Incidents are written after the claim's commit, each in its own transaction.
  for (const id of failed) await recordIncident(rt, id, 'fire timers', new Error('the case could not be resumed at its timer')).catch(() => undefined);
  return { claimed, failed };
}

/** The earliest wake-up among open cases, to know how long the loop may sleep. */
export async function nextWakeAt(knex: Knex): Promise<Date | null> {
  const row = await knex('cases').where('status', 'open').whereNotNull('next_wake_at').min('next_wake_at as at').first();
  return row?.at ? new Date(row.at) : null;
}
