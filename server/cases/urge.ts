import type { Knex } from 'knex';
import { z } from 'zod';
import { conflict, invalid } from '../errors/index.ts';
import { actOnCase } from './act.ts';

export const urgeSchema = z.object({
  kind: z.enum(['supervise', 'remind']).describe('supervise = 督办 (a formal order with a time limit), remind = 催办 (a reminder)'),
  note: z.string().trim().min(1).max(1000),
  dueAt: z.coerce.date().optional().describe('督办: by when the unit must answer (required); 催办: optional'),
});
export type UrgeInput = z.infer<typeof urgeSchema>;

/**
 * 督办/催办: a leader or dispatcher urges the unit that holds the case. Both land on the
 * unit's open process tasks (the unit's own work queue, where it looks) and on the
 * timeline; no new task is opened, because the order is to the unit already
 * handling the case, not a step of its own. 督办 always carries a time limit
 * (a 督办 without 限时 is only a 催办 in local practice); the limit is the leader's, not an
 * SLA clock, so no 三率 limit moves.
 */
export async function urgeCase(rt: { knex: Knex; clock: { now(): Date } }, caseId: number, actor: string, input: UrgeInput) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    if (locked.status !== 'open') throw conflict('case_not_open', `The case is ${locked.status}.`);
    if (input.kind === 'supervise' && !input.dueAt) throw invalid('validation_failed', '督办 needs a due time.', { fields: [{ field: 'dueAt', rule: 'required', message: '督办 needs a due time' }] });
    if (input.dueAt && input.dueAt <= now) throw invalid('due_in_past', 'The due time must be in the future.', { fields: [{ field: 'dueAt', rule: 'future', message: 'must be after now' }] });
    const tasks = await trx('tasks').where({ case_id: caseId, status: 'open', kind: 'process' }).select('id', 'element_id', 'name', 'candidate_groups');
    if (!tasks.length) throw conflict('nothing_to_urge', 'No unit holds an open task of this case right now.');
    const urge = { kind: input.kind, note: input.note, dueAt: input.dueAt?.toISOString() ?? null, by: actor, at: now.toISOString() };
    await trx('tasks').whereIn('id', tasks.map((t) => t.id)).update({ urge: JSON.stringify(urge), urge_count: trx.raw('urge_count + 1') });
    const units = [...new Set(tasks.flatMap((t) => (t.candidate_groups as string[]) ?? []))];
    events.push({
      type: input.kind === 'supervise' ? 'case.supervised' : 'case.reminded',
      actor,
      data: { note: input.note, dueAt: urge.dueAt, taskIds: tasks.map((t) => Number(t.id)), units },
    });
    return { caseId, ...urge, taskIds: tasks.map((t) => Number(t.id)), units };
  });
}
