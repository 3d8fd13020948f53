/**
 * The SLA sweep: finds running clocks whose warning (催办) or breach time has
 * passed and records them. Each case is handled in its own transaction that
 * holds the case row (`FOR UPDATE SKIP LOCKED`: a case busy elsewhere is left
 * for the next tick), so the record and its timeline event commit together.
 * Safe to run on any number of nodes at once: the unique (clock, kind) of
 * sla_breaches lets exactly one insert win.
 */
import type { Knex } from 'knex';
import { appendEvents, type NewEvent } from '../audit/index.ts';
import type { Clock } from '../clock/index.ts';
import { caseFacts, groupOf } from './clocks.ts';
import { recordSla, stopClock, type ClockRow } from './record.ts';

export interface SweepContext {
  knex: Knex;
  clock: Clock;
  log?: (msg: string) => void;
  /** The app's case runtime, for this node's name in the records. */
  runtime?: { node: string };
}

export interface SweepResult {
  cases: number;
  warnings: number;
  breaches: number;
  stopped: number;
  skipped: number;
}

/** One sweep at `ctx.clock.now()`; tests call it after moving the ManualClock. */
export async function sweepSla(ctx: SweepContext, opts: { batch?: number } = {}): Promise<SweepResult> {
  const now = ctx.clock.now();
  const node = ctx.runtime?.node ?? 'sweep';
  const batch = opts.batch ?? 200;
  const total: SweepResult = { cases: 0, warnings: 0, breaches: 0, stopped: 0, skipped: 0 };
  let after = 0;
  for (;;) {
    const ids: number[] = (await dueCases(ctx.knex, now, after, batch)).map(Number);
    for (const caseId of ids) {
      try {
        const r = await sweepCase(ctx.knex, caseId, now, node);
        if (!r) total.skipped += 1;
        else {
          total.cases += 1;
          total.warnings += r.warnings;
          total.breaches += r.breaches;
          total.stopped += r.stopped;
        }
      } catch (err) {
        // One bad case never stops the sweep; it is due again next tick.
        ctx.log?.(`sla sweep: case ${caseId}: ${(err as Error).message}`);
        total.skipped += 1;
      }
    }
    if (ids.length < batch) return total;
    after = ids[ids.length - 1]!;
  }
}

/** Cases with a running clock whose warning or breach is due, in id order after `after`. */
function dueCases(knex: Knex, now: Date, after: number, limit: number): Promise<number[]> {
  return knex('sla_clocks')
    .distinct('case_id')
    .whereNull('stopped_at')
    .whereNull('breached_at')
    .where((q) => q.where('due_at', '<=', now).orWhere((w) => w.whereNull('warned_at').where('warn_at', '<=', now)))
    .where('case_id', '>', after)
    .orderBy('case_id')
    .limit(limit)
    .pluck('case_id');
}

async function sweepCase(knex: Knex, caseId: number, now: Date, node: string) {
  return knex.transaction(async (trx: Knex.Transaction) => {
    const locked = await trx('cases').where({ id: caseId }).forUpdate().skipLocked().first('id', 'region_id', 'status', 'closed_at', 'event_seq', 'event_hash');
    if (!locked) return null;
    const clocks: ClockRow[] = await trx('sla_clocks')
      .where({ case_id: caseId })
      .whereNull('stopped_at')
      .whereNull('breached_at')
      .where((q) => q.where('due_at', '<=', now).orWhere((w) => w.whereNull('warned_at').where('warn_at', '<=', now)))
      .orderBy('id');
    const facts = await caseFacts(trx, caseId);
    const openTasks = await trx('tasks').where({ case_id: caseId, status: 'open' }).orderBy('id').select('id', 'name', 'candidate_groups', 'assignee', 'on_hold');
    const events: NewEvent[] = [];
    let warnings = 0;
    let breaches = 0;
    let stopped = 0;
    for (const clock of clocks) {
      let who = { group: facts.department, user: null as string | null, taskName: null as string | null };
      if (clock.task_id !== null) {
        const task = await trx('tasks').where({ id: clock.task_id }).first('name', 'status', 'candidate_groups', 'assignee', 'completed_by', 'ended_at');
        who = { group: groupOf(task.candidate_groups), user: task.assignee ?? null, taskName: task.name };
        if (task.status !== 'open') {
          // The task ended without a step that stopped its clock (closed outside the process).
          const e = await stopClock(trx, clock, task.ended_at ? new Date(task.ended_at) : now, task.status, facts, { ...who, user: task.completed_by ?? who.user }, node);
          if (e) events.push(e), (breaches += 1);
          stopped += 1;
          continue;
        }
      } else {
        if (locked.status === 'closed') {
          const e = await stopClock(trx, clock, locked.closed_at ? new Date(locked.closed_at) : now, 'case-closed', facts, who, node);
          if (e) events.push(e), (breaches += 1);
          stopped += 1;
          continue;
        }
        // A case clock is owed by whoever holds the case now: its first open task's group — not a
        // unit whose task is on hold after its 退单 (it gave the case back; the dispatchers hold it).
        const current = openTasks.find((t) => !t.on_hold && groupOf(t.candidate_groups));
        if (current) who = { group: groupOf(current.candidate_groups), user: current.assignee ?? null, taskName: current.name };
      }
      if (new Date(clock.due_at) <= now) {
        const e = await recordSla(trx, clock, 'breach', facts, who, now, null, node);
        if (e) events.push(e), (breaches += 1);
      } else {
        const e = await recordSla(trx, clock, 'warning', facts, who, now, null, node);
        if (e) events.push(e), (warnings += 1);
      }
    }
    if (events.length) {
      const head = await appendEvents(trx, { caseId, regionId: locked.region_id, seq: locked.event_seq, hash: locked.event_hash }, now, events);
      await trx('cases').where({ id: caseId }).update({ event_seq: head.seq, event_hash: head.hash });
    }
    return { warnings, breaches, stopped };
  });
}
