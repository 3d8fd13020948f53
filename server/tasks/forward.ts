import type { Knex } from 'knex';
import { z } from 'zod';
import type { User } from '../auth/index.ts';
import { AppError, conflict, invalid } from '../errors/index.ts';
import { unitChoices } from '../units/index.ts';
import { mayManage, mayWork } from './access.ts';
import { actOnTask } from './load.ts';

export const forwardSchema = z.object({
  unit: z.string().min(1).max(60).describe('An active sub-unit (at any depth) of one of the task\'s units'),
  note: z.string().trim().max(1000).optional().describe('What the sub-unit should do (派单说明)'),
});

/**
 * 二级派单: a unit passes its task to one of its sub-units (音德尔镇 → 解放社区). The same
 * task row moves — its due time and its SLA clock (keyed by the task) stay, so the clock
 * follows the new unit without a second one. The case remembers the forwarding in
 * `cases.forwarded` ({parent: sub-unit}); save-step.ts offers later tasks the model gives the
 * parent to the sub-unit instead. The parent's handlers keep reading the case
 * (record-access.ts) but no longer work it.
 */
export async function forwardTask(rt: { knex: Knex; clock: { now(): Date } }, taskId: number, user: User, input: z.infer<typeof forwardSchema>, authorize: (t: Record<string, any>) => void) {
  return actOnTask(rt, taskId, authorize, async ({ trx, task, locked, events }) => {
    // The unit's own handlers, or the region's dispatchers and leaders, who steer every task.
    if (!mayWork(user, task as never) && !mayManage(user, task as never)) throw new AppError('forbidden', 'This task is not offered to you or your groups.', { status: 403 });
    if ((task.kind ?? 'process') !== 'process') throw conflict('forward_not_allowed', 'Only a step of the process can be forwarded (not 协办, 退单审核 or 延期审批).');
    if (task.on_hold) throw conflict('task_on_hold', 'This task was returned (退单) and waits for the dispatcher\'s review.');
    const groups: string[] = task.candidate_groups ?? [];
    let from: string | null = null;
    for (const g of groups) {
      if ((await unitChoices(trx, locked.region_id, g)).some((u) => u.id === input.unit)) {
        from = g;
        break;
      }
    }
    if (!from) {
      throw invalid('unit_not_sub_unit', `${input.unit} is not an active sub-unit of ${groups.join(', ') || 'this task\'s units'}.`, { unit: input.unit, groups });
    }
    await trx('tasks').where({ id: taskId }).update({ candidate_groups: [input.unit], assignee: null, claimed_at: null });
    // jsonb `||`: one statement, and a second forwarding of the same parent replaces the first.
    await trx('cases').where({ id: locked.id }).update({ forwarded: trx.raw('forwarded || ?::jsonb', [JSON.stringify({ [from]: input.unit })]) });
    events.push({
      type: 'task.forwarded',
      actor: user.username,
      data: { taskId, elementId: task.element_id, name: task.name, from, to: input.unit, groups, note: input.note ?? null },
    });
    return { taskId, candidateGroups: [input.unit], from, to: input.unit };
  });
}
