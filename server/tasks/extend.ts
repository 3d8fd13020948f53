import type { Knex } from 'knex';
import { z } from 'zod';
import type { NewEvent } from '../audit/index.ts';
import type { User } from '../auth/index.ts';
import { AppError, conflict, invalid } from '../errors/index.ts';
import { flushEvents } from '../cases/index.ts';
// The SLA module through its door: server/sla depends on server/cases and never on
// server/tasks, so this import makes no cycle (and an approval must always move the clock).
import { extendDue, type Extension } from '../sla/index.ts';
import type { RegionRules } from '../rules/index.ts';
import { isUnitTask, mayWork } from './access.ts';
import { actOnTask } from './load.ts';
import { openSideTask } from './side.ts';

export const extensionSchema = z.object({
  reason: z.string().trim().min(2).max(1000),
  requestedDue: z.iso.datetime({ offset: true }).describe('The new due time asked for (ISO 8601)'),
});

/**
 * 延期: asked for before the deadline, with a reason and the new due time; a
 * leader of the region approves (possibly with another date) or refuses.
 */
export async function requestExtension(rt: { knex: Knex; clock: { now(): Date }; rules?: Pick<RegionRules, 'cached'> }, taskId: number, user: User, input: z.infer<typeof extensionSchema>, authorize: (t: Record<string, any>) => void) {
  return actOnTask(rt, taskId, authorize, async ({ trx, task, locked, now, events }) => {
    if (!mayWork(user, task as never)) throw new AppError('forbidden', 'This task is not offered to you or your groups.', { status: 403 });
    if (!isUnitTask(task as never, rt.rules?.cached(task.region_id).steeringGroups)) throw conflict('extension_not_allowed', 'Only a handling unit\'s task can be extended.');
    if (!task.due_at) throw conflict('extension_not_allowed', 'This task has no due time to extend.');
    const due = new Date(task.due_at);
    if (now >= due) throw conflict('extension_too_late', 'An extension must be asked for before the due time; this task is already overdue.', { dueAt: due });
    const requested = new Date(input.requestedDue);
    if (requested <= due) throw invalid('validation_failed', 'The requested due time must be later than the current one.', { fields: [{ field: 'requestedDue', rule: 'after_due', message: `must be after ${due.toISOString()}` }] });
    const pending = await trx('tasks').where({ subject_task_id: taskId, kind: 'extension_review', status: 'open' }).first('id');
    if (pending) throw conflict('extension_pending', 'An extension of this task is already waiting for approval.', { reviewTaskId: pending.id });
    events.push({ type: 'task.extension_requested', actor: user.username, data: { taskId, name: task.name, reason: input.reason, dueAt: due.toISOString(), requestedDue: requested.toISOString() } });
    const review = await openSideTask(trx, locked, now, {
      kind: 'extension_review',
      name: '延期审批',
      candidateGroups: ['leaders'],
      subjectTaskId: taskId,
      request: { reason: input.reason, requestedDue: requested.toISOString(), dueAt: due.toISOString(), requestedBy: user.username },
      dueAt: due,
      fields: [
        { id: 'approved', label: '是否批准', type: 'boolean', required: true },
        { id: 'newDue', label: '批准的新时限(默认为申请的时限)', type: 'string', required: false },
        { id: 'note', label: '审批意见', type: 'string', required: false },
      ],
    });
    events.push(review.event);
    return { taskId, reviewTaskId: review.id };
  });
}

/**
 * Records an approved extension through the SLA module (`extendDue`, server/sla):
 * the task's due time and its SLA clock move together (the warning is re-armed
 * for the new time, the breach falls at the new time and its record carries it)
 * and the timeline gets one `sla.extended` event — who approved, from when to
 * when, why. The one place an approval extends a due time.
 * The case's resolution clock moves with it when it would fall earlier, and a
 * boundary timer armed on the task for its due time (the 督办 timer on resolve)
 * is re-armed for the new time (server/engine/rearm.ts).
 */
export async function recordExtension(trx: Knex.Transaction, input: { taskId: number; newDue: Date; approvedBy: string; reason?: string; now: Date }): Promise<Extension> {
  return extendDue(trx, input.taskId, input.newDue, input.approvedBy, input.reason ?? '', input.now);
}

/** A leader's decision on an extension request, inside the completion's transaction. */
export async function decideExtension(trx: Knex.Transaction, review: Record<string, any>, values: Record<string, unknown>, actor: string, now: Date, events: NewEvent[]): Promise<void> {
  if (values.approved !== true) {
    events.push({ type: 'task.extension_rejected', actor, data: { taskId: review.subject_task_id, reviewTaskId: review.id, note: values.note ?? null } });
    return;
  }
  const newDue = new Date(String(values.newDue ?? review.request?.requestedDue));
  if (Number.isNaN(newDue.getTime()) || newDue <= now) {
    throw invalid('form_invalid', 'Some fields need attention.', { fields: [{ field: 'newDue', rule: 'date', message: 'must be a date-time in the future' }] });
  }
  // extendDue appends its event itself: write the review's completion first, so the
  // timeline reads in order (approval, then the extension).
  await flushEvents(trx, Number(review.case_id), now, events);
  await recordExtension(trx, { taskId: Number(review.subject_task_id), newDue, approvedBy: actor, reason: review.request?.reason, now });
}
