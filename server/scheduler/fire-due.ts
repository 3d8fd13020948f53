import type { Knex } from 'knex';
import type { PoolResult as StepResult } from '../sandbox/index.ts';
import { advanceLockedCase, lockColumns, recordIncident, runLockedCase, runningClocksFromJson, runningClocksSql, saveStep, type CaseRuntime, type LockedCaseRow } from '../cases/index.ts';
import { StepFailure } from '../engine/index.ts';

const HOUR = 3600_000;

/** Cases claimed per transaction: 25–100 drained 10,000 timers alike here, 200 was slower (README "Performance and scale-out"). */
export const TIMER_BATCH = 50;

/**
 * Claims up to `batch` cases whose wake-up is due and resumes each, firing its
 * due timers. The claim is `FOR UPDATE SKIP LOCKED` inside the transaction that
 * also saves the result: another node skips these rows, and a crash before the
 * commit leaves nothing fired — the case is simply due again.
 *
 * One failing case never blocks the others, without a savepoint per case (two
 * round trips each): an engine error happens before that case writes anything,
 * so it is set aside and the batch goes on; a write error aborts the
 * transaction, and the batch is redone once the careful way, each case in its
 * own savepoint. Returns how many cases were claimed.
 *
 * A failed case is set aside after the claim's commit: a StepFailure (the
 * model's doing: budget, engine error, refused timer, too many timers this
 * hour) becomes an incident at once; anything else (a write error, say) pushes
 * its wake-up back — 1, 2, 4 … minutes — and becomes an incident after
 * `rt.limits.wakeFailures` tries. Never a tight loop on one bad case.
 */
export async function fireDueTimers(rt: CaseRuntime, batch = TIMER_BATCH): Promise<{ claimed: number; failed: number[] }> {
  const failed: Failed[] = [];
  let claimed: number;
  try {
    claimed = await claimAndFire(rt, batch, failed, false);
  } catch (err) {
    log(rt, `timer batch rolled back (${(err as Error).message}); firing it again case by case`);
    failed.length = 0;
    claimed = await claimAndFire(rt, batch, failed, true);
  }
  // Incidents are written after the claim's commit, each in its own transaction.
  for (const f of failed) await setAside(rt, f).catch((err) => rt.log(`could not set case ${f.id} aside: ${(err as Error).message}`));
  return { claimed, failed: failed.map((f) => f.id) };
}

interface Failed {
  id: number;
  err: unknown;
}

const log = (rt: CaseRuntime, msg: string) => rt.log(msg);

async function setAside(rt: CaseRuntime, f: Failed): Promise<void> {
  if (f.err instanceof StepFailure) {
    await recordIncident(rt, f.id, 'fire timers', f.err);
    return;
  }
  const now = rt.clock.now();
  const [row] = await rt.knex('cases')
    .where({ id: f.id, status: 'open' })
    .update({ wake_failures: rt.knex.raw('wake_failures + 1'), updated_at: now })
    .returning(['wake_failures']);
  if (!row) return;
  const n = Number(row.wake_failures);
  if (n >= rt.limits.wakeFailures) {
    const message = `its timer step failed ${n} times: ${(f.err as Error)?.message ?? String(f.err)}`;
    await recordIncident(rt, f.id, 'fire timers', new StepFailure('repeated_failure', message, { cause: f.err }));
    return;
  }
  await rt.knex('cases').where({ id: f.id, status: 'open' }).update({ next_wake_at: new Date(now.getTime() + 60_000 * 2 ** (n - 1)) });
}

async function claimAndFire(rt: CaseRuntime, batch: number, failed: Failed[], isolate: boolean): Promise<number> {
  return rt.knex.transaction(async (trx: Knex.Transaction) => {
    const now = rt.clock.now();
    const tooMany = new Set<number>();
    const rows: LockedCaseRow[] = await trx('cases')
      .select(lockColumns(trx))
      .where('status', 'open')
      .where('next_wake_at', '<=', now)
      .orderBy('next_wake_at')
      .limit(batch)
      .forUpdate()
      .skipLocked();
    if (rows.length) {
      // The claimed rows are locked: one read now stands for each case's own reads of its clocks and merged cases.
      const extra = await trx('cases as c')
        .whereIn('c.id', rows.map((r) => r.id))
        .select(
          'c.id',
          trx.raw(`${runningClocksSql('c.id')} as running_clocks`),
          trx.raw("exists(select 1 from cases ch where ch.parent_case_id = c.id and ch.status = 'merged') as has_merged_children"),
          // A case's own timers are capped per hour: a cycle computed to spin becomes an incident, not a hot loop.
          trx.raw('(select count(*) from timer_firings f where f.case_id = c.id and f.fired_at > ?) as fired_last_hour', [new Date(now.getTime() - HOUR)]),
        );
      const byId = new Map(extra.map((e: { id: number | string; running_clocks: Array<Record<string, unknown>>; has_merged_children: boolean; fired_last_hour: number | string }) => [Number(e.id), e]));
      for (const row of rows) {
        const e = byId.get(Number(row.id));
        if (!e) continue;
        row.running_clocks = runningClocksFromJson(e.running_clocks);
        row.has_merged_children = e.has_merged_children;
        if (Number(e.fired_last_hour) >= rt.limits.timersPerHour) tooMany.add(Number(row.id));
      }
    }
    const fail = (id: number, err: unknown) => {
      failed.push({ id, err });
      log(rt, `timer on case ${id} failed: ${(err as Error).message}`);
    };
    for (const row of rows) {
      if (tooMany.has(Number(row.id))) {
        fail(row.id, new StepFailure('timer_rate', `it fired ${rt.limits.timersPerHour} timers in the last hour (the limit)`));
        continue;
      }
      if (isolate) {
        await trx.transaction((sp) => advanceLockedCase(sp, rt, row, { actor: 'system' })).catch((err) => fail(row.id, err));
        continue;
      }
      let result: StepResult;
      try {
        result = await runLockedCase(trx, rt, row);
      } catch (err) {
        fail(row.id, err);
        continue;
      }
      // Not caught: a failed write has aborted the transaction, and fireDueTimers redoes the batch isolated.
      await saveStep(trx, rt, row, result, 'system');
    }
    return rows.length;
  });
}

/** The earliest wake-up among open cases, to know how long the loop may sleep. */
export async function nextWakeAt(knex: Knex): Promise<Date | null> {
  const row = await knex('cases').where('status', 'open').whereNotNull('next_wake_at').min('next_wake_at as at').first();
  return row?.at ? new Date(row.at) : null;
}
