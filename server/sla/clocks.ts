/**
 * The SLA clocks of a case, kept in step with its tasks: a hook that runs
 * inside every saved engine step (the case row is locked). It starts a clock
 * for each task that has a due time, starts the case's `response` and
 * `resolution` clocks when the case is created, stops clocks whose task or
 * case ended — and a clock stopped after its due time records its breach at
 * once instead of waiting for the sweep.
 */
import type { Knex } from 'knex';
import { handlingUnit } from '../units/index.ts';
import type { NewEvent } from '../audit/index.ts';
import { ENDED_TASK_COLUMNS, type EndedTask, type StepChanges, type StepHook } from '../cases/index.ts';
import type { SlaConfigCache } from './config-cache.ts';
import { addLimit, warnAtFor } from './limits.ts';
import { missingYears } from './working-time.ts';
import { NOT_RESPONSIBLE, stopClocks, type CaseFacts, type ClockRow, type ClockStop } from './record.ts';
import { respondsTo, answersCitizen, CAP_TASK_DUE_AT_CASE_DEADLINE } from './clock-rules.ts';
import type { Rules } from '../rules/index.ts';

export interface ClockHookDeps {
  cache: SlaConfigCache;
  node: string;
  log: (msg: string) => void;
}

export function slaStepHook(deps: ClockHookDeps): StepHook {
  return async (trx, changes) => {
    const events: NewEvent[] = [];
    const facts = changes.facts ?? (await caseFacts(trx, changes.caseId));
    const limit = deps.cache.limitFor(changes.regionId, facts.category, facts.urgency);
    const cal = deps.cache.calendar(changes.regionId);
    const rows: Array<Record<string, unknown>> = [];

    if (changes.firstStep) {
      for (const kind of ['response', 'resolution'] as const) {
        const spec = kind === 'response' ? limit.response : limit.resolution;
        const due = addLimit(changes.now, spec, cal);
        rows.push(clockRow(changes, { kind, taskId: null, elementId: null, due: due.at, share: limit.warnShare, working: due.workingTime, provisional: due.provisional, spec, cal }));
      }
    }
    const clocked = changes.opened.filter((t) => t.dueAt && !(t.candidateGroups.length > 0 && t.candidateGroups.every((g) => NOT_RESPONSIBLE.has(g))));
    const deadline = CAP_TASK_DUE_AT_CASE_DEADLINE && clocked.length ? await caseDeadline(trx, changes, rows) : null;
    for (const t of clocked) {
      if (deadline && deadline > changes.now && t.dueAt! > deadline) {
        events.push({ type: 'task.due_capped', actor: 'system', data: { taskId: t.id, elementId: t.elementId, from: t.dueAt!.toISOString(), to: deadline.toISOString() } });
        t.dueAt = deadline;
        const write = trx('tasks').where({ id: t.id }).update({ due_at: deadline });
        if (changes.defer) changes.defer(write);
        else await write;
      }
      rows.push(clockRow(changes, { kind: 'task', taskId: t.id, elementId: t.elementId, due: t.dueAt!, share: limit.warnShare, working: t.dueWorkingTime, provisional: t.dueProvisional, spec: null, cal }));
    }
    let created: ClockRow[] = [];
    // A clock nobody needs back in this step (no provisional alert to name it, none stopped with the case)
    // goes out with the step's closing statement; a case closing in its first step cannot happen then.
    const quiet = changes.defer && !changes.closed && !(changes.firstStep && changes.ended.length) && rows.every((r) => !r.provisional);
    if (rows.length && quiet) {
      changes.defer!(trx('sla_clocks').insert(rows));
    } else if (rows.length) {
      created = await trx('sla_clocks').insert(rows).returning('*');
      const provisional = created.filter((c) => c.provisional);
      if (provisional.length) {
        await trx('cases').where({ id: changes.caseId }).update({ sla_provisional: true });
        const years = missingYears(cal, changes.now, new Date(Math.max(...provisional.map((c) => new Date(c.due_at).getTime()))));
        deps.log(`SLA ALERT: case ${facts.case_no} (${changes.regionId}) has due times in ${years.join(', ') || 'a year'} with no loaded holiday calendar; computed on weekdays and marked provisional`);
        events.push({
          type: 'sla.provisional',
          actor: 'system',
          data: { years, clocks: provisional.map((c) => ({ clockId: Number(c.id), clock: c.kind, taskId: c.task_id, elementId: c.element_id, dueAt: new Date(c.due_at).toISOString() })) },
        });
      }
    }

    if (changes.ended.length || changes.closed) {
      events.push(...(await stopEnded(trx, changes, facts, deps.node, created, deps.cache.rules.for(changes.regionId).rules)));
    }
    return events;
  };
}

async function stopEnded(trx: Knex.Transaction, changes: StepChanges, facts: CaseFacts & { department: string | null }, node: string, created: ClockRow[], rules: Rules): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  // Read under the case lock by the caller (with the task it completes), plus those this step started; else read here.
  const running: ClockRow[] = changes.runningClocks
    ? [...changes.runningClocks, ...created]
    : await trx('sla_clocks').where({ case_id: changes.caseId }).whereNull('stopped_at');
  if (!running.length) return events;
  // The step knows most ended tasks (the one completed, those it cancelled); only the rest are read.
  const known = changes.endedTasks ?? [];
  const unknown = changes.ended.filter((x) => !known.some((t) => t.execution_id === x));
  const ended: EndedTask[] = unknown.length
    ? [
        ...known,
        ...(await trx('tasks')
          .where({ case_id: changes.caseId })
          .whereIn('execution_id', unknown)
          .whereNot('status', 'open')
          .select(ENDED_TASK_COLUMNS)),
      ]
    : known;
  // Decide every stop first, then write them in one statement (stopClocks).
  const stops: ClockStop[] = [];
  for (const task of ended) {
    const clock = running.find((c) => c.task_id !== null && Number(c.task_id) === Number(task.id));
    if (!clock) continue;
    const who = { group: groupOf(task.candidate_groups), user: task.completed_by ?? task.assignee ?? null, taskName: task.name };
    stops.push({ clock, at: task.ended_at ? new Date(task.ended_at) : changes.now, reason: task.status, who });
  }
  const completed = ended.filter((t) => t.status === 'completed');
  for (const clock of running.filter((c) => c.kind !== 'task')) {
    const by = completed.find((t) => (clock.kind === 'response' ? respondsTo(t, rules.responseExcludedGroups) : answersCitizen(t, rules.answerElementPrefixes)));
    if (by) {
      const who = { group: groupOf(by.candidate_groups), user: by.completed_by ?? null, taskName: by.name };
      stops.push({ clock, at: changes.now, reason: clock.kind === 'response' ? 'responded' : 'answered', who });
    } else if (changes.closed) {
      stops.push({ clock, at: changes.now, reason: 'case-closed', who: { group: facts.department, user: null } });
    }
  }
  if (changes.closed) {
    // Tasks the engine dropped with the case (none normally): their clocks stop too, without a verdict.
    // `running` was read under the case lock, so it holds every clock still running.
    const stopping = new Set(stops.map((s) => s.clock.id));
    for (const clock of running) if (!stopping.has(clock.id)) stops.push({ clock, at: changes.now, reason: 'case-closed', who: { group: null, user: null }, judge: false });
  }
  events.push(...(await stopClocks(trx, stops, facts, node, changes.defer)));
  return events;
}

/** Due time of the case's running resolution clock: started in this step, carried by the caller, or read. */
async function caseDeadline(trx: Knex.Transaction, changes: StepChanges, starting: Array<Record<string, unknown>>): Promise<Date | null> {
  const fresh = starting.find((r) => r.kind === 'resolution');
  if (fresh) return fresh.due_at as Date;
  const carried = changes.runningClocks?.find((c) => c.kind === 'resolution');
  if (changes.runningClocks) return carried ? new Date(carried.due_at) : null;
  const row = await trx('sla_clocks').where({ case_id: changes.caseId, kind: 'resolution' }).whereNull('stopped_at').first('due_at');
  return row ? new Date(row.due_at) : null;
}

/** The case facts a breach record carries. */
export async function caseFacts(trx: Knex | Knex.Transaction, caseId: number): Promise<CaseFacts & { department: string | null }> {
  const row = await trx('cases').where({ id: caseId }).first('case_no', 'category', 'urgency', 'forwarded', trx.raw("variables->>'department' as department"));
  return { case_no: row.case_no, category: row.category, urgency: row.urgency, department: handlingUnit(row.department, row.forwarded) };
}

/** The first group of a task that can be held responsible. */
export function groupOf(groups: string[] | null | undefined): string | null {
  return (groups ?? []).find((g) => !NOT_RESPONSIBLE.has(g)) ?? null;
}

function clockRow(
  changes: StepChanges,
  c: { kind: string; taskId: number | null; elementId: string | null; due: Date; share: number; working: boolean; provisional: boolean; spec: string | null; cal: ReturnType<SlaConfigCache['calendar']> },
): Record<string, unknown> {
  return {
    region_id: changes.regionId,
    case_id: changes.caseId,
    task_id: c.taskId,
    kind: c.kind,
    element_id: c.elementId,
    started_at: changes.now,
    due_at: c.due,
    warn_at: warnAtFor(changes.now, c.due, c.share, c.working, c.cal),
    warn_share: c.share,
    working_time: c.working,
    provisional: c.provisional,
    limit_spec: c.spec,
    original_due_at: c.due,
  };
}
