import type { Knex } from 'knex';
import { z } from 'zod';
import type { User } from '../auth/index.ts';
import { AppError, conflict, invalid } from '../errors/index.ts';
import { mayManage, mayWork } from './access.ts';
import { actOnTask } from './load.ts';

type Rt = { knex: Knex; clock: { now(): Date } };
const forbidden = (msg: string) => new AppError('forbidden', msg, { status: 403 });

export const assignSchema = z.object({
  username: z.string().min(1).max(100).describe('A user of the task\'s region (handler, dispatcher or leader)'),
  note: z.string().max(500).optional(),
});

/**
 * 签收 (sign-for): the user takes the task; from now on it is theirs and the
 * unit's clock of response is met. Recorded as `task.claimed`.
 */
export async function claimTask(rt: Rt, taskId: number, user: User, authorize: (t: Record<string, any>) => void) {
  return actOnTask(rt, taskId, authorize, async ({ trx, task, now, events }) => {
    if (!mayWork(user, task as never)) throw forbidden('This task is not offered to you or your groups.');
    if (task.assignee === user.username) return { taskId, assignee: user.username, claimedAt: task.claimed_at };
    if (task.assignee) throw conflict('task_already_claimed', `${task.assignee} has already signed for this task.`, { assignee: task.assignee });
    await trx('tasks').where({ id: taskId }).update({ assignee: user.username, claimed_at: now });
    events.push({ type: 'task.claimed', actor: user.username, data: { taskId, elementId: task.element_id, name: task.name, signedFor: true } });
    return { taskId, assignee: user.username, claimedAt: now };
  });
}

/** Gives a claimed task back to its groups: its assignee, or a leader/dispatcher of the region. */
export async function unclaimTask(rt: Rt, taskId: number, user: User, authorize: (t: Record<string, any>) => void) {
  return actOnTask(rt, taskId, authorize, async ({ trx, task, events }) => {
    if (!task.assignee) throw conflict('task_not_claimed', 'Nobody holds this task.');
    if (task.assignee !== user.username && !mayManage(user, task as never)) throw forbidden('Only the assignee, a leader or a dispatcher can give this task back.');
    await trx('tasks').where({ id: taskId }).update({ assignee: null, claimed_at: null });
    events.push({ type: 'task.unclaimed', actor: user.username, data: { taskId, elementId: task.element_id, name: task.name, previousAssignee: task.assignee } });
    return { taskId, assignee: null };
  });
}

/**
 * Assigns (leaders, dispatchers) or delegates (the current assignee) a task to
 * a user of the same region. The target must be active staff of that region:
 * a task never leaves its region.
 */
export async function assignTask(rt: Rt, taskId: number, user: User, input: z.infer<typeof assignSchema>, authorize: (t: Record<string, any>) => void) {
  return actOnTask(rt, taskId, authorize, async ({ trx, task, now, events }) => {
    const delegating = task.assignee === user.username;
    if (!delegating && !mayManage(user, task as never)) throw forbidden('Only leaders and dispatchers assign tasks; an assignee may delegate their own.');
    const target = await trx('users').where({ username: input.username, active: true }).first('username', 'role', 'region_id');
    if (!target || target.region_id !== task.region_id || !['handler', 'dispatcher', 'leader'].includes(target.role)) {
      throw invalid('assignee_invalid', `${input.username} is not active staff of region ${task.region_id}.`, { fields: [{ field: 'username', rule: 'same_region', message: 'must be a handler, dispatcher or leader of the task\'s region' }] });
    }
    await trx('tasks').where({ id: taskId }).update({ assignee: target.username, claimed_at: now });
    events.push({
      type: 'task.assigned',
      actor: user.username,
      data: { taskId, elementId: task.element_id, name: task.name, from: task.assignee ?? null, to: target.username, delegated: delegating, note: input.note ?? null },
    });
    return { taskId, assignee: target.username };
  });
}
