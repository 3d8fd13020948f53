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
export async function fireDueTimers(rt: CaseRuntime, batch = TIMER_BATCH, opts: FireOptions = {}): Promise<{ claimed: number; failed: number[] }> {
  let work: Batch = { failed: [], lags: [], at: null };
  let claimed: number;
  try {
    claimed = await claimAndFire(rt, batch, work, false, opts);
  } catch (err) {
    // The case whose write aborted the transaction is the one the batch was at.
    rt.logger.warn({ caseId: work.at ?? undefined, err }, 'timer batch rolled back; firing it again case by case');
    work = { failed: [], lags: [], at: null };
    claimed = await claimAndFire(rt, batch, work, true, opts);
  }
  rt.metrics?.timersClaimed(work.lags);
  // Incidents are written after the claim's commit, each in its own transaction.
  for (const f of work.failed) {
    await setAside(rt, f).catch((err) => rt.logger.error({ caseId: f.id, region: f.region, err }, 'could not set the case aside after its timer step failed'));
  }
  return { claimed, failed: work.failed.map((f) => f.id) };
}

export interface FireOptions {
  /**
   * Asked before each case of the batch: once it says stop (a node shutting
   * down), the cases fired so far commit and the rest of the claim is let go
   * unchanged. A claimed row is only locked, never marked, so those cases are
   * simply due again for the next node, and nothing is half fired.
   */
  stopping?: () => boolean;
}

interface Failed {
  id: number;
  region: string;
  err: unknown;
}

/** What one attempt at a batch found: failed cases, how late each claimed wake-up was (s), the case it is at. */
interface Batch {
  failed: Failed[];
  lags: number[];
  at: number | null;
}

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

async function claimAndFire(rt: CaseRuntime, batch: number, work: Batch, isolate: boolean, opts: FireOptions): Promise<number> {
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
    const fail = (row: LockedCaseRow, err: unknown) => {
      work.failed.push({ id: row.id, region: row.region_id, err });
      rt.metrics?.timerFailed();
      rt.logger.warn({ caseId: Number(row.id), region: row.region_id, reason: err instanceof StepFailure ? err.reason : undefined, err }, 'timer step failed; the case is set aside');
    };
    for (const row of rows) {
      if (opts.stopping?.()) break;
      if (row.next_wake_at) work.lags.push((now.getTime() - new Date(row.next_wake_at).getTime()) / 1000);
      work.at = Number(row.id);
      // Each case's lines (its step, an incident) name the case, though no request scope exists here.
      await rt.logScope.run({ caseId: Number(row.id), region: row.region_id }, async () => {
        if (tooMany.has(Number(row.id))) {
          fail(row, new StepFailure('timer_rate', `it fired ${rt.limits.timersPerHour} timers in the last hour (the limit)`));
          return;
        }
        if (isolate) {
          await trx.transaction((sp) => advanceLockedCase(sp, rt, row, { actor: 'system' })).catch((err) => fail(row, err));
          return;
        }
        let result: StepResult;
        try {
          result = await runLockedCase(trx, rt, row);
        } catch (err) {
          fail(row, err);
          return;
        }
        // Not caught: a failed write has aborted the transaction, and fireDueTimers redoes the batch isolated.
        await saveStep(trx, rt, row, result, 'system');
      });
    }
    return rows.length;
  });
}

/** Open cases whose wake-up is due at `now` and not yet claimed: the due backlog (a count over the index cases_due_wake). */
export async function dueTimerCount(knex: Knex, now: Date): Promise<number> {
  const row = await knex('cases').where('status', 'open').where('next_wake_at', '<=', now).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The earliest wake-up among open cases, to know how long the loop may sleep. */
export async function nextWakeAt(knex: Knex): Promise<Date | null> {
  const row = await knex('cases').where('status', 'open').whereNotNull('next_wake_at').min('next_wake_at as at').first();
  return row?.at ? new Date(row.at) : null;
}
