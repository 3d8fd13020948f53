import type { Knex } from 'knex';
import type { NewEvent } from '../audit/index.ts';
import { closeMergedChildren } from './children.ts';
import { stopClocksOutside } from './running-clocks.ts';

export type OutsideCloseKind = 'emergency' | 'not_accepted' | 'merged' | 'incident';

/**
 * Closes a locked case from outside its process (转110/119/120/122, 不予受理,
 * 并单): cancels every open task, clears the wake-up so no timer fires later,
 * records why, and closes merged children. The engine state is kept as it was,
 * for the record. A merged case waits in status `merged` until its parent closes.
 */
export async function closeFromOutside(
  trx: Knex.Transaction,
  caseId: number,
  now: Date,
  opts: { kind: OutsideCloseKind; reason: Record<string, unknown>; actor: string; parentCaseId?: number },
): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  const cancelled = await trx('tasks')
    .where({ case_id: caseId, status: 'open' })
    .update({ status: 'cancelled', ended_at: now, on_hold: false })
    .returning(['id', 'element_id', 'name']);
  for (const t of cancelled) events.push({ type: 'task.cancelled', actor: 'system', data: { taskId: t.id, elementId: t.element_id, name: t.name, reason: opts.kind } });
  const merged = opts.kind === 'merged';
  // The cancelled tasks' clocks stop now; a merged case's own clocks too (it waits on its parent's,
  // and must not breach while the parent is being handled). A closed case's clocks are judged by the sweep.
  await stopClocksOutside(trx, caseId, now, { taskIds: cancelled.map((t) => Number(t.id)), reason: merged ? 'merged' : 'cancelled', caseClocks: merged });
  await trx('cases')
    .where({ id: caseId })
    .update({
      status: merged ? 'merged' : 'closed',
      close_kind: opts.kind,
      close_reason: JSON.stringify(opts.reason),
      closed_at: merged ? null : now,
      next_wake_at: null,
      parent_case_id: opts.parentCaseId ?? null,
      updated_at: now,
    });
  if (merged) {
    // Its own merged cases follow it to the new parent and close with that one.
    await trx('cases').where({ parent_case_id: caseId, status: 'merged' }).update({ parent_case_id: opts.parentCaseId, updated_at: now });
  } else {
    await closeMergedChildren(trx, caseId, now, opts.actor);
  }
  return events;
}
