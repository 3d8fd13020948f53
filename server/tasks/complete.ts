import type { Knex } from 'knex';
import { AppError, conflict, invalid, notFound } from '../errors/index.ts';
import { advanceLockedCase, lockCase, recordIncident, type CaseRuntime } from '../cases/index.ts';
import { checkForm } from './form.ts';

export interface CompleteInput {
  taskId: number;
  variables: Record<string, unknown>;
  actor: string;
  /** Checked inside the lock: the caller's rights on this task's region/groups. */
  authorize?: (task: Record<string, unknown>) => void;
}

/**
 * Completes a user task: locks its case, checks the form, signals the engine,
 * runs to the next wait state and saves it all in one transaction. Of two
 * concurrent completions the second waits on the lock and then finds the task
 * done: 409.
 */
export async function completeTask(rt: CaseRuntime, input: CompleteInput) {
  const first = await rt.knex('tasks').where({ id: input.taskId }).first('case_id');
  if (!first) throw notFound('Task', input.taskId);
  try {
    return await rt.knex.transaction(async (trx: Knex.Transaction) => {
      const locked = await lockCase(trx, first.case_id);
      const task = await trx('tasks').where({ id: input.taskId }).first();
      input.authorize?.(task);
      if (task.status !== 'open') throw conflict('task_not_open', `This task is already ${task.status}.`, { status: task.status });
      const { values, problems } = checkForm(task.form?.fields, input.variables ?? {});
      if (problems.length) throw invalid('form_invalid', 'Some fields need attention.', { fields: problems });
      const now = rt.clock.now();
      await trx('tasks')
        .where({ id: task.id })
        .update({ status: 'completed', outcome: JSON.stringify(values), completed_by: input.actor, ended_at: now });
      const result = await advanceLockedCase(trx, rt, locked, {
        actor: input.actor,
        signal: { executionId: task.execution_id, variables: values },
        leadEvents: [{ type: 'task.completed', actor: input.actor, data: { taskId: task.id, elementId: task.element_id, name: task.name, values } }],
      });
      return { taskId: task.id, caseId: locked.id, caseStatus: result.completed ? 'closed' : 'open', openTasks: result.waits.length };
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'engine_error') await recordIncident(rt, first.case_id, `complete task ${input.taskId}`, err);
    throw err;
  }
}
