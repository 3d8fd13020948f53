import type { Knex } from 'knex';
import { conflict, notFound } from '../errors/index.ts';
import { actOnCase, type CaseAction } from '../cases/index.ts';
import type { LogScope } from '../log/index.ts';

/**
 * Runs an action on one task inside its case's lock: the task row is read
 * after the lock, so two people acting at once are served one after the other
 * and the second sees the first's result. `authorize` runs first, inside the
 * lock, with the row (region checks answer 404 before anything else is told).
 */
export async function actOnTask<T>(
  rt: { knex: Knex; clock: { now(): Date }; logScope?: LogScope },
  taskId: number,
  authorize: (task: Record<string, any>) => void,
  fn: (a: CaseAction & { task: Record<string, any> }) => Promise<T>,
  opts: { mustBeOpen?: boolean } = { mustBeOpen: true },
): Promise<T> {
  rt.logScope?.fill({ taskId });
  const first = await rt.knex('tasks').where({ id: taskId }).first('case_id', 'region_id', 'candidate_groups', 'candidate_users', 'assignee');
  if (!first) throw notFound('Task', taskId);
  authorize(first);
  return actOnCase(rt, Number(first.case_id), async (a) => {
    const task = await a.trx('tasks').where({ id: taskId }).first();
    authorize(task);
    if (opts.mustBeOpen !== false && task.status !== 'open') throw conflict('task_not_open', `This task is already ${task.status}.`, { status: task.status });
    return fn({ ...a, task });
  });
}
