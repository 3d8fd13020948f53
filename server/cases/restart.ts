import type { Knex } from 'knex';
import type { NewEvent } from '../audit/index.ts';
import { advanceLockedCase, lockCase } from './advance.ts';
import type { CaseRuntime } from './runtime.ts';
import { saveStep, ENDED_TASK_COLUMNS } from './save-step.ts';
import { flushEvents } from './act.ts';
import { invalid } from '../errors/index.ts';
import { stopClocksOutside } from './running-clocks.ts';
import { unitChoices } from '../units/index.ts';

/** The variables a case starts with (start.ts); a fresh run keeps these and drops earlier task outputs. */
export const INTAKE_VARIABLES = ['region', 'category', 'urgency', 'title', 'description', 'community', 'channel', 'requestType'];

/**
 * The engine "jump" for 改派 (redispatch after a return) and 重办 (reopen): every
 * open task is cancelled and the case starts a fresh run of its own definition
 * from the start event, with its intake variables. When `dispatch` is given,
 * the run's first task with a `department` field (派单) is completed at once with
 * those values, so the case lands at the new unit's first step, as a 12345
 * operator expects: the dispatcher's decision is the dispatch. The old run's
 * timers are gone with its state; the timeline keeps everything.
 */
export async function restartCase(
  trx: Knex.Transaction,
  rt: CaseRuntime,
  caseId: number,
  opts: {
    actor: string; now: Date; pending: NewEvent[]; extraVariables?: Record<string, unknown>; dispatch?: Record<string, unknown>;
    /** 重办: the fresh run gets new response/resolution clocks from now (改派 keeps the case's running ones). */
    newCaseClocks?: boolean;
  },
): Promise<void> {
  const cancelled = await trx('tasks')
    .where({ case_id: caseId, status: 'open' })
    .update({ status: 'cancelled', ended_at: opts.now, on_hold: false })
    .returning(['id', 'element_id', 'name']);
  for (const t of cancelled) opts.pending.push({ type: 'task.cancelled', actor: 'system', data: { taskId: t.id, elementId: t.element_id, name: t.name, reason: 'restart' } });
  // The old run's clocks stop with its tasks: after 改派 only the new unit's clock runs.
  await stopClocksOutside(trx, caseId, opts.now, { taskIds: cancelled.map((t) => Number(t.id)), reason: 'cancelled' });
  await flushEvents(trx, caseId, opts.now, opts.pending);
  // A new dispatch is a fresh decision: earlier 二级派单 no longer steer its tasks.
  if (opts.dispatch) await trx('cases').where({ id: caseId }).update({ forwarded: '{}' });

  let locked = await lockCase(trx, caseId);
  const row = await trx('cases').where({ id: caseId }).first('variables');
  const startVariables: Record<string, unknown> = {};
  for (const k of INTAKE_VARIABLES) if (k in (row.variables ?? {})) startVariables[k] = row.variables[k];
  Object.assign(startVariables, opts.extraVariables ?? {});
  // The chosen unit is known from the start: a model that routes some categories past 派单 straight to
  // a fixed unit (东胜区 facility → property office) must not send a 改派 back to the unit that returned it.
  if (opts.dispatch?.department) startVariables.department = opts.dispatch.department;
  // Through this transaction: on PGlite it holds the only connection.
  const started = await rt.step({ name: String(caseId), definitionId: locked.definition_id, db: trx, startVariables });
  await saveStep(trx, rt, { ...locked, opens_case_clocks: opts.newCaseClocks }, started, opts.actor, [{ type: 'process.restarted', actor: opts.actor, data: { variables: startVariables } }]);
  if (!opts.dispatch || started.completed) return;

  const wait = started.waits.find((w) => w.form?.fields.some((f) => f.id === 'department'));
  if (!wait) return;
  const field = wait.form!.fields.find((f) => f.id === 'department')!;
  // A unit field offers the region's active units now; an enum field (older models) its own values.
  const allowed = field.type === 'unit'
    ? (await unitChoices(trx, locked.region_id, field.subtree)).map((u) => u.id)
    : (field.values ?? []).map((v) => v.id);
  if ((allowed.length || field.type === 'unit') && !allowed.includes(String(opts.dispatch.department))) {
    throw invalid('validation_failed', 'The unit is not one this process dispatches to.', { fields: [{ field: 'department', rule: 'enum', message: `must be one of ${allowed.join(', ')}` }] });
  }
  const task = await trx('tasks').where({ case_id: caseId, execution_id: wait.executionId }).first(ENDED_TASK_COLUMNS);
  await trx('tasks').where({ id: task.id }).update({ status: 'completed', outcome: JSON.stringify(opts.dispatch), completed_by: opts.actor, ended_at: opts.now });
  locked = await lockCase(trx, caseId);
  await advanceLockedCase(trx, rt, locked, {
    actor: opts.actor,
    signal: { executionId: wait.executionId, variables: opts.dispatch },
    settled: { row: { ...task, status: 'completed', completed_by: opts.actor, ended_at: opts.now } },
    leadEvents: [{ type: 'task.completed', actor: opts.actor, data: { taskId: task.id, elementId: task.element_id, name: task.name, values: opts.dispatch } }],
  });
}
