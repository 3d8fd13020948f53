import type { Knex } from 'knex';
import { auditKeyOf, chainEvents, type NewEvent } from '../audit/index.ts';
import { writeTogether } from '../db/together.ts';
import type { PoolResult as StepResult } from '../sandbox/index.ts';
import type { CaseRuntime } from './runtime.ts';
import { closeMergedChildren } from './children.ts';
import type { RunningClock } from './running-clocks.ts';
import { forwardedGroups, handlingUnit } from '../units/index.ts';

export interface LockedCase {
  id: number;
  region_id: string;
  state_version: number;
  event_seq: number;
  event_hash: string | null;
  next_wake_at: Date | null;
  /** Case facts for the step hook (breach records), when the lock read them: saves the hook a query. */
  case_no?: string;
  category?: string | null;
  urgency?: string | null;
  /** `variables.department` before the step. */
  department?: string | null;
  /** 二级派单 so far ({parent unit: sub-unit}, cases.forwarded): later tasks for the parent go to the sub-unit. */
  forwarded?: Record<string, string> | null;
  /** The case's running SLA clocks, when the caller read them under the lock (saves the hook a query). */
  running_clocks?: RunningClock[];
  /** Whether cases merged into this one wait for it, when the caller read it under the lock. */
  has_merged_children?: boolean;
  /** 重办: this step starts the case's response and resolution clocks afresh, as a new case's first step does. */
  opens_case_clocks?: boolean;
}

/** What a step changed in the case's tasks, for hooks such as the SLA clocks. */
export interface StepChanges {
  caseId: number;
  regionId: string;
  /** The case's first step (it was just created). */
  firstStep: boolean;
  now: Date;
  /** Task rows this step created, with how their due time was computed. */
  opened: Array<{ id: number; elementId: string; name: string | null; candidateGroups: string[]; assignee: string | null; dueAt: Date | null; dueProvisional: boolean; dueWorkingTime: boolean }>;
  /** Execution ids of user tasks that ended (completed or cancelled) in this step. */
  ended: string[];
  closed: boolean;
  /** The case's number, category, urgency and department before the step, when the caller had them (else the hook reads them). */
  facts?: { case_no: string; category: string | null; urgency: string | null; department: string | null };
  /** The running clocks, when the caller read them under the case lock (else the hook reads them). */
  runningClocks?: RunningClock[];
  /** Rows of the ended tasks the step already knows (the completed one, those it cancelled); a hook reads only the others. */
  endedTasks?: EndedTask[];
  /** Hands a write to go with the step's closing statement (one round trip); it must not touch rows the hook writes itself. */
  defer?: (write: Knex.QueryBuilder | Knex.Raw) => void;
}

/** What a hook knows of a task that ended in the step. */
export interface EndedTask {
  id: number;
  execution_id: string;
  element_id: string;
  name: string | null;
  status: string;
  candidate_groups: string[] | null;
  assignee: string | null;
  completed_by: string | null;
  ended_at: Date | string | null;
}
export const ENDED_TASK_COLUMNS = ['id', 'execution_id', 'element_id', 'name', 'status', 'candidate_groups', 'assignee', 'completed_by', 'ended_at'];

/** The task a caller closed in the step's transaction, and its write, which goes out with the step's closing statement. */
export interface SettledTask {
  row: EndedTask;
  /** Absent when the caller already ran it. */
  write?: Knex.QueryBuilder | Knex.Raw;
}

/** Called inside the step's transaction (the case row is locked); returns events to append. */
export type StepHook = (trx: Knex.Transaction, changes: StepChanges) => Promise<NewEvent[]>;

/**
 * Writes what one engine step did, inside the transaction that holds the case
 * row: engine state, variables, wake-up, tasks opened and ended, timer firings,
 * and the timeline events. Either all of it is committed or none.
 */
export async function saveStep(
  trx: Knex.Transaction,
  rt: CaseRuntime,
  locked: LockedCase,
  result: StepResult,
  actor: string,
  leadEvents: NewEvent[] = [],
  /** The task the caller completed (the signalled one): its write goes with the closing statement, nothing to cancel there. */
  settled: SettledTask[] = [],
): Promise<void> {
  const now = rt.clock.now();
  const events: NewEvent[] = [...leadEvents];
  // Writes that read nothing back go out together at the end, in one statement.
  const closing: Array<Knex.QueryBuilder | Knex.Raw> = settled.flatMap((s) => (s.write ? [s.write] : []));
  const endedTasks: EndedTask[] = settled.map((s) => s.row);

  if (result.timersFired.length) {
    // Primary key (case, timer execution, expiry): a second firing fails the closing statement, and the transaction.
    closing.push(
      trx('timer_firings').insert(
        result.timersFired.map((t) => ({
          case_id: locked.id,
          execution_id: t.executionId,
          expire_at: t.expireAt,
          element_id: t.elementId,
          region_id: locked.region_id,
          fired_at: now,
          node: rt.node,
        })),
      ),
    );
    for (const t of result.timersFired) {
      events.push({ type: 'timer.fired', actor: 'system', data: { elementId: t.elementId, executionId: t.executionId, expireAt: t.expireAt.toISOString() } });
    }
  }

  // The completed task's own execution always leaves; skipping it spares a statement in the common step.
  const leaving = result.left.filter((x) => !settled.some((s) => s.row.execution_id === x));
  if (leaving.length) {
    const cancelled: EndedTask[] = await trx('tasks')
      .where({ case_id: locked.id, status: 'open' })
      .whereIn('execution_id', leaving)
      .update({ status: 'cancelled', ended_at: now })
      .returning(ENDED_TASK_COLUMNS);
    endedTasks.push(...cancelled);
    for (const t of cancelled) events.push({ type: 'task.cancelled', actor: 'system', data: { taskId: t.id, elementId: t.element_id, name: t.name } });
  }

  if (result.completed) {
    // A case that ends leaves nothing pending beside it: its side tasks (延期审批, 退单审核, 协办; execution
    // ids `side:…`, server/tasks/side.ts) are cancelled with it, or a leader's list keeps an approval forever.
    const dropped: EndedTask[] = await trx('tasks')
      .where({ case_id: locked.id, status: 'open' })
      .where('execution_id', 'like', 'side:%')
      .update({ status: 'cancelled', ended_at: now, on_hold: false })
      .returning(ENDED_TASK_COLUMNS);
    endedTasks.push(...dropped);
    for (const t of dropped) events.push({ type: 'task.cancelled', actor: 'system', data: { taskId: t.id, elementId: t.element_id, name: t.name, reason: 'case-closed' } });
  }

  let openedRows: Array<Record<string, any>> = [];
  if (result.waits.length) {
    const inserted = await trx('tasks')
      .insert(
        result.waits.map((w) => ({
          case_id: locked.id,
          region_id: locked.region_id,
          execution_id: w.executionId,
          element_id: w.elementId,
          name: w.name,
          candidate_groups: forwardedGroups(w.candidateGroups, locked.forwarded),
          candidate_users: w.candidateUsers,
          assignee: w.assignee,
          status: 'open',
          due_at: w.dueAt,
          follow_up_at: w.followUpAt,
          priority: w.priority,
          form: w.form ? JSON.stringify(w.form) : null,
          created_at: now,
        })),
      )
      .onConflict(['case_id', 'execution_id'])
      .ignore()
      .returning(['id', 'execution_id', 'element_id', 'name', 'candidate_groups', 'assignee', 'due_at']);
    openedRows = inserted;
    for (const t of inserted) {
      events.push({
        type: 'task.created',
        actor: 'system',
        data: { taskId: t.id, elementId: t.element_id, name: t.name, candidateGroups: t.candidate_groups, assignee: t.assignee, dueAt: t.due_at ? new Date(t.due_at).toISOString() : null },
      });
    }
  }

  if (rt.onStep) {
    const waits = new Map(result.waits.map((w) => [w.executionId, w]));
    const opened = openedRows.map((t) => ({
      id: Number(t.id),
      elementId: t.element_id,
      name: t.name,
      candidateGroups: t.candidate_groups,
      assignee: t.assignee,
      dueAt: t.due_at ? new Date(t.due_at) : null,
      dueProvisional: waits.get(t.execution_id)?.dueProvisional ?? false,
      dueWorkingTime: waits.get(t.execution_id)?.dueWorkingTime ?? false,
    }));
    const firstStep = locked.state_version === 0 || locked.opens_case_clocks === true;
    const facts = locked.case_no === undefined ? undefined : { case_no: locked.case_no, category: locked.category ?? null, urgency: locked.urgency ?? null, department: handlingUnit(locked.department, locked.forwarded) };
    events.push(
      ...(await rt.onStep(trx, {
        caseId: locked.id,
        regionId: locked.region_id,
        firstStep,
        now,
        opened,
        ended: result.left,
        closed: result.completed,
        facts,
        runningClocks: locked.running_clocks,
        endedTasks,
        defer: (w) => closing.push(w),
      })),
    );
  }

  const passed = result.path.filter((p) => p.type !== 'bpmn:UserTask').map((p) => p.elementId);
  if (passed.length) events.push({ type: 'process.advanced', actor: 'system', data: { elements: passed } });
  if (result.completed) events.push({ type: 'case.closed', actor, data: { endElementId: result.endElementId } });

  let nextWakeAt = result.nextWakeAt;
  if (nextWakeAt && nextWakeAt <= now && result.timersFired.length === 0) {
    // The engine kept a timer it did not fire although it is due: never spin on it.
    nextWakeAt = new Date(now.getTime() + 60_000);
  }

  const chained = chainEvents({ caseId: locked.id, regionId: locked.region_id, seq: locked.event_seq, hash: locked.event_hash }, now, events, auditKeyOf(trx));
  const head = chained.head;
  if (chained.insert) closing.push(chained.insert(trx));
  closing.push(
    trx('cases')
    .where({ id: locked.id })
    .update({
      engine_state: result.stateJson,
      variables: JSON.stringify(result.variables),
      state_version: locked.state_version + 1,
      next_wake_at: nextWakeAt,
      wake_failures: 0,
      status: result.completed ? 'closed' : 'open',
      closed_at: result.completed ? now : null,
      end_element_id: result.endElementId,
      event_seq: head.seq,
      event_hash: head.hash,
      updated_at: now,
    }),
  );
  await writeTogether(trx, closing);
  // 并单: cases merged into this one close with it, however it ends (issue 3).
  if (result.completed && locked.has_merged_children !== false) await closeMergedChildren(trx, locked.id, now, actor);
  // The live engine may serve the case's next step, but only once this version is committed.
  const live = result.live;
  if (live) afterCommit(trx, () => rt.runner.keep(locked.id, locked.state_version + 1, live));
  if (nextWakeAt && (!locked.next_wake_at || nextWakeAt < new Date(locked.next_wake_at))) {
    trx.executionPromise.then(() => rt.onWakeChanged(nextWakeAt!)).catch(() => undefined);
  }
}

/** Runs `fn` after the outermost transaction commits (a savepoint's release is not a commit). */
function afterCommit(trx: Knex.Transaction, fn: () => void): void {
  let top = trx as Knex.Transaction & { outerTx?: Knex.Transaction | null };
  while (top.outerTx) top = top.outerTx as typeof top;
  top.executionPromise.then(fn).catch(() => undefined);
}

export const LOCK_COLUMNS = ['id', 'region_id', 'definition_id', 'status', 'engine_state', 'state_version', 'event_seq', 'event_hash', 'next_wake_at', 'case_no', 'category', 'urgency', 'forwarded'];

/** LOCK_COLUMNS plus the department before the step (a case fact of breach records). */
export const lockColumns = (db: Knex) => [
  ...LOCK_COLUMNS.filter((c) => c !== 'engine_state'),
  // As text: it goes to the engine worker as a string, never parsed (and cloned) on the main thread.
  db.raw('engine_state::text as engine_state'),
  db.raw("variables->>'department' as department"),
];
