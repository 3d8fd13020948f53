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
