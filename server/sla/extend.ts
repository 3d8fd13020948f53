/**
 * 延期: an approved extension moves an open task's due time. The task row, its
 * SLA clock and the case timeline (`sla.extended`, hash-chained) change in the
 * caller's transaction. The warning is re-armed for the new due time; a breach
 * already recorded stays recorded (an extension is asked for before expiry).
 * The case's resolution clock and the task's 督办 boundary timer move with it
 * when they would come before the new due time.
 */
import type { Knex } from 'knex';
import { appendEvents } from '../audit/index.ts';
import { lockCase } from '../cases/index.ts';
import { systemClock } from '../clock/index.ts';
import { rearmBoundaryTimers } from '../engine/index.ts';
import { conflict, invalid, notFound } from '../errors/index.ts';
import { SlaConfigCache } from './config-cache.ts';
import { warnAtFor } from './limits.ts';
import { missingYears } from './working-time.ts';

export interface Extension {
  taskId: number;
  clockId: number | null;
  previousDueAt: Date | null;
  dueAt: Date;
  provisional: boolean;
}

/**
 * Moves task `taskId`'s due time to `newDue`. Locks the case (re-locking in a
 * transaction that already holds it is harmless); call it with the chain head
 * on the case row up to date. Pass `now` from the app's clock (`ctx.clock.now()`);
 * without it the system clock is used, which tests with a ManualClock must avoid.
 */
export async function extendDue(
  trx: Knex.Transaction,
  taskId: number,
  newDue: Date,
  actor: string,
  reason: string,
  now: Date = systemClock.now(),
): Promise<Extension> {
  const first = await trx('tasks').where({ id: taskId }).first('case_id');
  if (!first) throw notFound('Task', taskId);
  const locked = await lockCase(trx, first.case_id);
  const task = await trx('tasks').where({ id: taskId }).first('id', 'status', 'due_at', 'element_id', 'name');
  if (task.status !== 'open') throw conflict('task_not_open', `This task is already ${task.status}; its due time cannot move.`);
  if (!(newDue instanceof Date) || Number.isNaN(newDue.getTime())) throw invalid('due_invalid', 'The new due time is not a valid date.');
  if (newDue <= now) throw invalid('due_in_past', 'The new due time must be in the future.');

  const clock = await trx('sla_clocks').where({ task_id: taskId }).first();
  // 延期 extends the work order's 办结时限: the case's running resolution clock moves too when it would
  // fall before the new due time (else the case breaches at the deadline the leader just moved).
  const caseClock = await trx('sla_clocks').where({ case_id: locked.id, kind: 'resolution' }).whereNull('stopped_at').where('due_at', '<', newDue).first();
  let provisional = false;
  // Extensions are rare: read the calendar afresh rather than reach for the app's cache.
  const cal = clock || caseClock ? await freshCalendar(trx, locked.region_id) : null;
  if (caseClock && cal) {
    await trx('sla_clocks')
      .where({ id: caseClock.id })
      .update({ due_at: newDue, warn_at: warnAtFor(new Date(caseClock.started_at), newDue, Number(caseClock.warn_share), caseClock.working_time, cal), extensions: Number(caseClock.extensions) + 1 });
  }
  if (clock && cal) {
    provisional = missingYears(cal, new Date(clock.started_at), newDue).length > 0 && clock.working_time;
    const warnAt = warnAtFor(new Date(clock.started_at), newDue, Number(clock.warn_share), clock.working_time, cal);
    await trx('sla_clocks')
      .where({ id: clock.id })
      .update({
        due_at: newDue,
        warn_at: warnAt,
        // A warning already sent for the old due time is not repeated (one per clock).
        provisional,
        extensions: Number(clock.extensions) + 1,
      });
    if (provisional) await trx('cases').where({ id: locked.id }).update({ sla_provisional: true });
  }
  await trx('tasks').where({ id: taskId }).update({ due_at: newDue });
  const previous = task.due_at ? new Date(task.due_at) : null;
  const rearmed = previous ? await rearmDueTimers(trx, locked, task.element_id, previous, newDue, now) : 0;
  const head = await appendEvents(trx, { caseId: locked.id, regionId: locked.region_id, seq: locked.event_seq, hash: locked.event_hash }, now, [
    {
      type: 'sla.extended',
      actor,
      data: { taskId, elementId: task.element_id, name: task.name, clockId: clock ? Number(clock.id) : null, caseClockId: caseClock ? Number(caseClock.id) : null, timersMoved: rearmed, from: previous?.toISOString() ?? null, to: newDue.toISOString(), reason, ...(provisional ? { provisional: true } : {}) },
    },
  ]);
  await trx('cases').where({ id: locked.id }).update({ event_seq: head.seq, event_hash: head.hash });
  return { taskId, clockId: clock ? Number(clock.id) : null, previousDueAt: previous, dueAt: newDue, provisional };
}

async function freshCalendar(trx: Knex.Transaction, region: string) {
  const cache = new SlaConfigCache();
  await cache.reload(trx);
  return cache.calendar(region);
}

/**
 * Moves the task's boundary timers that were due with it (the shipped 督办 on 办理) in the case's
 * saved engine state, so supervision comes at the extended time, not the original one. The state
 * version goes up: a live engine cached at the old version (with the old timer) is never reused.
 */
async function rearmDueTimers(trx: Knex.Transaction, locked: { id: number; engine_state?: unknown; state_version: number; next_wake_at: Date | null }, elementId: string, from: Date, to: Date, now: Date): Promise<number> {
  // lockCase reads the state as JSON text (it normally goes to the engine worker unparsed).
  const state = typeof locked.engine_state === 'string' ? JSON.parse(locked.engine_state) : locked.engine_state;
  if (!state) return 0;
  const r = rearmBoundaryTimers(state, elementId, from, to, now);
  if (!r.moved) return 0;
  await trx('cases')
    .where({ id: locked.id })
    .update({ engine_state: JSON.stringify(state), state_version: locked.state_version + 1, next_wake_at: r.nextExpireAt ?? locked.next_wake_at });
  return r.moved;
}
