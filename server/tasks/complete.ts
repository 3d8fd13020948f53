import type { Knex } from 'knex';
import type { NewEvent } from '../audit/index.ts';
import { AppError, conflict, invalid, notFound } from '../errors/index.ts';
import { advanceLockedCase, flushEvents, lockCaseOfTask, withIncident, runningClocksFromJson, runningClocksSql, type CaseRuntime } from '../cases/index.ts';
import { checkForm } from './form.ts';
import { unitFieldChoices } from '../units/index.ts';
import { decideReturn } from './return.ts';
import { decideExtension } from './extend.ts';

export interface CompleteInput {
  taskId: number;
  variables: Record<string, unknown>;
  actor: string;
  /** Checked inside the lock: the caller's rights on this task's region/groups. */
  authorize?: (task: Record<string, unknown>) => void;
}

/** A process task that answers the citizen (its form has the reply text). */
const answersCitizen = (task: Record<string, any>) => (task.form?.fields ?? []).some((f: { id: string }) => f.id === 'replyText');

/**
 * Completes a user task: locks its case, checks the form, signals the engine,
 * runs to the next wait state and saves it all in one transaction. Of two
 * concurrent completions the second waits on the lock and then finds the task
 * done: 409. Tasks beside the engine (协办, 退单审核, 延期审批) run their rule instead.
 */
export async function completeTask(rt: CaseRuntime, input: CompleteInput) {
  rt.logScope.fill({ taskId: input.taskId });
  let caseId: number | null = null;
  return withIncident(rt, () => caseId, `complete task ${input.taskId}`, () =>
    rt.knex.transaction(async (trx: Knex.Transaction) => {
      // The lock finds the case through the task (one statement); the rights are checked on the task read under it.
      const locked = await lockCaseOfTask(trx, input.taskId);
      if (!locked) throw notFound('Task', input.taskId);
      caseId = locked.id;
      // Read after the lock, in one statement: the task, the case's running clocks, whether merged cases wait on it.
      const { running_clocks: clocks, has_merged_children: hasMerged, ...task } = await trx('tasks as t')
        .where('t.id', input.taskId)
        .first(
          't.*',
          trx.raw(`${runningClocksSql('t.case_id')} as running_clocks`),
          trx.raw("exists(select 1 from cases ch where ch.parent_case_id = t.case_id and ch.status = 'merged') as has_merged_children"),
        );
      locked.running_clocks = runningClocksFromJson(clocks);
      locked.has_merged_children = hasMerged;
      input.authorize?.(task);
      if (task.status !== 'open') throw conflict('task_not_open', `This task is already ${task.status}.`, { status: task.status });
      if (task.on_hold) throw conflict('task_on_hold', 'This task was returned (退单) and waits for the dispatcher\'s review.');
      const units = await unitFieldChoices(trx, task.region_id, task.form?.fields);
      const { values, problems } = checkForm(task.form?.fields, input.variables ?? {}, units);
      if (problems.length) throw invalid('form_invalid', 'Some fields need attention.', { fields: problems });
      const now = rt.clock.now();
      // 签收 on submit: a task nobody holds is signed for by whoever completes it, in this same
      // transaction under the case lock — never a completion without a signer, and no separate
      // claim a second worker could race between. A task someone else holds stays theirs (mayWork).
      const claim = claimOnSubmit(task, input.actor, now);
      if ((task.kind ?? 'process') !== 'process') return completeSideTask(trx, rt, task, values, input.actor, now, claim);
      if (answersCitizen(task)) {
        const pending = await trx('tasks').where({ case_id: task.case_id, kind: 'cohandle', status: 'open' }).select('id', 'candidate_groups');
        if (pending.length) throw conflict('cohandlers_pending', 'Every co-handling unit (协办) must give its opinion before the reply.', { tasks: pending.map((p: { id: number; candidate_groups: string[] }) => ({ id: p.id, groups: p.candidate_groups })) });
      }
      // Nothing reads the task row again in this step: its write goes out with the step's closing statement.
      const write = trx('tasks').where({ id: task.id }).update({ status: 'completed', outcome: JSON.stringify(values), completed_by: input.actor, ended_at: now, ...claim.columns });
      const row = { ...task, ...claim.columns, status: 'completed', completed_by: input.actor, ended_at: now };
      const result = await advanceLockedCase(trx, rt, locked, {
        actor: input.actor,
        signal: { executionId: task.execution_id, variables: values },
        settled: { row, write },
        leadEvents: [...claim.events, { type: 'task.completed', actor: input.actor, data: { taskId: task.id, elementId: task.element_id, name: task.name, values } }],
      });
      return { taskId: task.id, caseId: locked.id, caseStatus: result.completed ? 'closed' : 'open', openTasks: result.waits.length };
    }),
  );
}

/** The assignee columns and `task.claimed` event of a completion that signs for an unheld task. */
function claimOnSubmit(task: Record<string, any>, actor: string, now: Date): { columns: Record<string, unknown>; events: NewEvent[] } {
  if (task.assignee) return { columns: {}, events: [] };
  return {
    columns: { assignee: actor, claimed_at: now },
    events: [{ type: 'task.claimed', actor, data: { taskId: task.id, elementId: task.element_id, name: task.name, signedFor: true, onSubmit: true } }],
  };
}

async function completeSideTask(trx: Knex.Transaction, rt: CaseRuntime, task: Record<string, any>, values: Record<string, unknown>, actor: string, now: Date, claim: ReturnType<typeof claimOnSubmit>) {
  const caseId = Number(task.case_id);
  await trx('tasks').where({ id: task.id }).update({ status: 'completed', outcome: JSON.stringify(values), completed_by: actor, ended_at: now, ...claim.columns });
  const events: NewEvent[] = [...claim.events, { type: 'task.completed', actor, data: { taskId: task.id, elementId: task.element_id, name: task.name, kind: task.kind, values } }];
  if (task.kind === 'return_review') await decideReturn(trx, rt, task, values, actor, now, events);
  if (task.kind === 'extension_review') await decideExtension(trx, task, values, actor, now, events);
  await flushEvents(trx, caseId, now, events);
  const row = await trx('cases').where({ id: caseId }).first('status');
  const open = await trx('tasks').where({ case_id: caseId, status: 'open' }).count<{ n: number }[]>('* as n');
  return { taskId: Number(task.id), caseId, caseStatus: row.status, openTasks: Number(open[0].n) };
}
