import type { Knex } from 'knex';

/** A case's SLA clocks (its response and resolution limits and one per task), for the case view. */
export async function caseClocks(knex: Knex, caseId: number) {
  const rows = await knex('sla_clocks as k')
    .leftJoin('tasks as t', 't.id', 'k.task_id')
    .where('k.case_id', caseId)
    .orderByRaw("case k.kind when 'response' then 0 when 'resolution' then 1 else 2 end, k.started_at, k.id")
    .select('k.*', 't.name as task_name');
  return rows.map((r: Record<string, any>) => ({
    id: Number(r.id),
    kind: r.kind as 'response' | 'resolution' | 'task',
    taskId: r.task_id == null ? null : Number(r.task_id),
    taskName: r.task_name ?? null,
    elementId: r.element_id,
    startedAt: r.started_at,
    dueAt: r.due_at,
    originalDueAt: r.original_due_at,
    warnAt: r.warn_at,
    workingTime: r.working_time,
    provisional: r.provisional,
    limit: r.limit_spec,
    extensions: r.extensions,
    warnedAt: r.warned_at,
    breachedAt: r.breached_at,
    stoppedAt: r.stopped_at,
    stopReason: r.stop_reason,
  }));
}
