import type { Knex } from 'knex';
import { z } from 'zod';
import type { NewEvent } from '../audit/index.ts';
import type { User } from '../auth/index.ts';
import { restartCase, type CaseRuntime } from '../cases/index.ts';
import type { FormField } from '../engine/index.ts';
import { AppError, conflict, invalid } from '../errors/index.ts';
import type { RegionRules } from '../rules/index.ts';
import { isUnitTask, mayWork } from './access.ts';
import { actOnTask } from './load.ts';
import { openSideTask } from './side.ts';

export const returnSchema = z.object({ reason: z.string().trim().min(2).max(1000).describe('Why this unit is not the right one (the 依据)') });

/**
 * 退单: the unit says the order is not theirs. Its task is put on hold (it
 * cannot be completed meanwhile) and the dispatchers get a 退单审核 task:
 * back (驳回: the unit carries on) or redispatch (改派: to another unit).
 */
export async function returnTask(rt: { knex: Knex; clock: { now(): Date }; rules?: Pick<RegionRules, 'cached'> }, taskId: number, user: User, input: z.infer<typeof returnSchema>, authorize: (t: Record<string, any>) => void) {
  return actOnTask(rt, taskId, authorize, async ({ trx, task, locked, now, events }) => {
    if (!mayWork(user, task as never)) throw new AppError('forbidden', 'This task is not offered to you or your groups.', { status: 403 });
    if (!isUnitTask(task as never, rt.rules?.cached(task.region_id).steeringGroups)) throw conflict('return_not_allowed', 'Only a handling unit\'s task can be returned (not dispatch, supervision, review or evaluation).');
    if (task.on_hold) throw conflict('return_pending', 'This task was already returned and waits for the dispatcher\'s review.');
    await trx('tasks').where({ id: taskId }).update({ on_hold: true });
    events.push({ type: 'task.returned', actor: user.username, data: { taskId, elementId: task.element_id, name: task.name, groups: task.candidate_groups, reason: input.reason } });
    const fields: FormField[] = [
      { id: 'decision', label: '审核结果', type: 'enum', required: true, values: [{ id: 'redispatch', name: '改派' }, { id: 'back', name: '驳回(原单位继续办理)' }] },
      // The region's units when the review is read and completed (form-units.ts), as the dispatch form offers them.
      { id: 'department', label: '改派单位', type: 'unit', required: false },
      { id: 'note', label: '审核意见', type: 'string', required: false },
    ];
    const review = await openSideTask(trx, locked, now, {
      kind: 'return_review',
      name: '退单审核',
      candidateGroups: ['dispatchers'],
      fields,
      subjectTaskId: taskId,
      request: { reason: input.reason, returnedBy: user.username, groups: task.candidate_groups, elementId: task.element_id },
      dueAt: new Date(now.getTime() + 2 * 60 * 60 * 1000),
    });
    events.push(review.event);
    return { taskId, onHold: true, reviewTaskId: review.id };
  });
}

/** The dispatcher's decision on a return, inside the completion's transaction. */
export async function decideReturn(
  trx: Knex.Transaction,
  rt: CaseRuntime,
  review: Record<string, any>,
  values: Record<string, unknown>,
  actor: string,
  now: Date,
  events: NewEvent[],
): Promise<void> {
  const subject = await trx('tasks').where({ id: review.subject_task_id }).first();
  if (values.decision === 'back') {
    if (subject?.status === 'open') await trx('tasks').where({ id: subject.id }).update({ on_hold: false });
    events.push({ type: 'return.decided', actor, data: { reviewTaskId: review.id, taskId: review.subject_task_id, decision: 'back', note: values.note ?? null } });
    return;
  }
  if (!values.department) {
    throw invalid('form_invalid', 'Some fields need attention.', { fields: [{ field: 'department', rule: 'required', message: '改派单位 is required to redispatch.' }] });
  }
  events.push({
    type: 'return.decided',
    actor,
    data: { reviewTaskId: review.id, taskId: review.subject_task_id, decision: 'redispatch', department: values.department, from: subject?.candidate_groups ?? [], note: values.note ?? null },
  });
  await restartCase(trx, rt, Number(review.case_id), {
    actor,
    now,
    pending: events,
    dispatch: { department: values.department, dispatchNote: values.note ? `改派: ${values.note}` : '改派' },
  });
}
