import type { Knex } from 'knex';
import { AppError, notFound } from '../errors/index.ts';
import type { NewEvent } from '../audit/index.ts';
import type { PoolResult as StepResult } from '../sandbox/index.ts';
import type { CaseRuntime } from './runtime.ts';
import { saveStep, lockColumns, type LockedCase, type SettledTask } from './save-step.ts';

export interface LockedCaseRow extends LockedCase {
  definition_id: number;
  status: string;
  /** JSON text (lockColumns reads `engine_state::text`). */
  engine_state: string | null;
}

/** Locks a case row for the rest of the transaction; concurrent actions on it queue here. */
export async function lockCase(trx: Knex.Transaction, caseId: number): Promise<LockedCaseRow> {
  const row = await trx('cases').where({ id: caseId }).forUpdate().first(lockColumns(trx));
  if (!row) throw notFound('Case', caseId);
  return row as LockedCaseRow;
}

/** Locks the case of a task (one statement: a task never changes case); null when the task does not exist. */
export async function lockCaseOfTask(trx: Knex.Transaction, taskId: number): Promise<LockedCaseRow | null> {
  const row = await trx('cases').where('id', trx('tasks').where({ id: taskId }).select('case_id')).forUpdate().first(lockColumns(trx));
  return (row as LockedCaseRow) ?? null;
}

/**
 * One action on a locked case: recover a fresh engine from the saved state,
 * optionally signal a task, run to the next wait state, save. The caller owns
 * the transaction, so its own writes (the task's completion) commit with these.
 */
export async function advanceLockedCase(
  trx: Knex.Transaction,
  rt: CaseRuntime,
  locked: LockedCaseRow,
  opts: {
    actor: string;
    /** The task signalled. */
    signal?: { executionId: string; variables: Record<string, unknown> };
    /** That task closed by the caller: its row, and its write unless already run. */
    settled?: SettledTask;
    leadEvents?: NewEvent[];
  },
): Promise<StepResult> {
  const result = await runLockedCase(trx, rt, locked, opts.signal);
  await saveStep(trx, rt, locked, result, opts.actor, opts.leadEvents, opts.settled ? [opts.settled] : []);
  return result;
}

/**
 * The engine half of `advanceLockedCase`: runs the step and writes nothing, so
 * an engine error leaves the transaction usable (the timer batch relies on it).
 */
export async function runLockedCase(
  trx: Knex.Transaction,
  rt: CaseRuntime,
  locked: LockedCaseRow,
  signal?: { executionId: string; variables: Record<string, unknown> },
): Promise<StepResult> {
  rt.logScope.fill({ caseId: Number(locked.id), region: locked.region_id });
  if (locked.status !== 'open') {
    throw new AppError('case_not_open', `The case is ${locked.status}; nothing can run in it.`, { status: 409 });
  }
  return rt.step({
    name: String(locked.id),
    definitionId: locked.definition_id,
    db: trx,
    state: locked.engine_state as never,
    signal,
    cached: { caseId: locked.id, stateVersion: locked.state_version },
  });
}
