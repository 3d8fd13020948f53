import type { Knex } from 'knex';

/**
 * A case's running SLA clocks as a step carries them: read by the caller in
 * the statement it makes after taking the case lock anyway (a completion with
 * its task, the timer batch for all its cases), so the SLA hook need not read
 * them again. The clocks' rules live in server/sla; this is only their shape.
 */

/** A running clock as the SLA hook needs it (sla/record.ts ClockRow). */
export interface RunningClock {
  id: number;
  region_id: string;
  case_id: number;
  task_id: number | null;
  kind: string;
  element_id: string | null;
  started_at: Date;
  due_at: Date;
  warn_at: Date;
  provisional: boolean;
  warned_at: Date | null;
  breached_at: Date | null;
  stopped_at: Date | null;
}

/**
 * SQL for the running clocks of a case as one JSON column (`case_id` names the
 * case id expression) — for a read the caller makes under the case lock anyway.
 */
export const runningClocksSql = (caseId: string) =>
  `(select coalesce(json_agg(s), '[]'::json) from sla_clocks s where s.case_id = ${caseId} and s.stopped_at is null)`;

/** Rows of `runningClocksSql`, with the types a table read gives. */
export function runningClocksFromJson(list: Array<Record<string, any>>): RunningClock[] {
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return list.map((c) => ({
    ...c,
    region_id: String(c.region_id),
    kind: String(c.kind),
    element_id: c.element_id ?? null,
    provisional: Boolean(c.provisional),
    id: Number(c.id),
    case_id: Number(c.case_id),
    task_id: c.task_id == null ? null : Number(c.task_id),
    started_at: date(c.started_at)!,
    due_at: date(c.due_at)!,
    warn_at: date(c.warn_at)!,
    warned_at: date(c.warned_at),
    breached_at: date(c.breached_at),
    stopped_at: date(c.stopped_at),
    original_due_at: date(c.original_due_at),
  }));
}

/**
 * Stops, without a verdict, the running clocks of tasks that ended outside an
 * engine step (改派/重办 cancel the old run's tasks; 转办, 不予受理, 并单 and an
 * incident's resolve cancel every open task): a cancelled task owes nothing,
 * so its clock must not stay running beside its successor's and be judged
 * against the unit that let it go. `caseClocks` also stops the case's own
 * response/resolution clocks (a merged case: its parent's clocks run for it).
 */
export async function stopClocksOutside(
  trx: Knex.Transaction,
  caseId: number,
  now: Date,
  opts: { taskIds: number[]; reason: string; caseClocks?: boolean },
): Promise<void> {
  if (!opts.taskIds.length && !opts.caseClocks) return;
  await trx('sla_clocks')
    .where({ case_id: caseId })
    .whereNull('stopped_at')
    .where((w) => {
      if (opts.taskIds.length) w.whereIn('task_id', opts.taskIds);
      if (opts.caseClocks) w.orWhereNull('task_id');
    })
    .update({ stopped_at: now, stop_reason: opts.reason });
}

/**
 * Join condition for a case clock `alias` (response/resolution): the latest of
 * its kind. 重办 starts new ones; the earlier rounds' stay, stopped, for the record.
 */
export const latestCaseClock = (alias: string) =>
  `not exists (select 1 from sla_clocks n where n.case_id = ${alias}.case_id and n.kind = ${alias}.kind and n.id > ${alias}.id)`;
