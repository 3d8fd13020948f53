import type { Knex } from 'knex';

/** Per-element figures of a deployed diagram (the designer's SLA heat map), as `GET /definitions/:id/stats` serves them. */
export interface ElementStats {
  elementId: string;
  /** Tasks on this element open right now (whatever the period). */
  openTasks: number;
  /** Tasks of this element that ended within the period. */
  ended: number;
  /** Median time from task creation to completion, over completed tasks of the period; null without any. */
  medianMs: number | null;
  /** Tasks with a due time that ended in the period or are still open. */
  withDue: number;
  /** Of those, ended after their due time, or still open past it now. */
  breached: number;
  breachedShare: number | null;
}

/**
 * Per-element figures for the designer's SLA heat map. Breaches are read from the task rows
 * themselves (due time against end time) so the map works on any deployment, with or without
 * the SLA sweep having recorded a breach yet.
 */
export async function definitionStats(
  knex: Knex,
  now: Date,
  q: { definition: { id: number; region_id: string; key: string }; allVersions: boolean; regions: string[] | 'all'; from: Date; to: Date },
): Promise<ElementStats[]> {
  const definitionIds = q.allVersions
    ? knex('definitions').where({ region_id: q.definition.region_id, key: q.definition.key }).select('id')
    : [q.definition.id];
  const query = knex('tasks as t')
    .join('cases as c', 'c.id', 't.case_id')
    .whereIn('c.definition_id', definitionIds)
    // Open tasks always count; ended ones only inside the period.
    .where((w) => {
      w.where('t.status', 'open').orWhereBetween('t.ended_at', [q.from, q.to]);
    })
    .groupBy('t.element_id')
    .select('t.element_id')
    .select(knex.raw("count(*) filter (where t.status = 'open') as open_tasks"))
    .select(knex.raw("count(*) filter (where t.status <> 'open') as ended"))
    .select(
      knex.raw(
        "percentile_cont(0.5) within group (order by extract(epoch from (t.ended_at - t.created_at))) filter (where t.status = 'completed') as median_s",
      ),
    )
    .select(knex.raw('count(*) filter (where t.due_at is not null) as with_due'))
    .select(
      knex.raw(
        "count(*) filter (where t.due_at is not null and ((t.ended_at is not null and t.ended_at > t.due_at) or (t.status = 'open' and t.due_at < ?))) as breached",
        [now],
      ),
    );
  if (q.regions !== 'all') query.whereIn('t.region_id', q.regions);
  const rows = await query;
  return rows.map((r: Record<string, unknown>) => {
    const withDue = Number(r.with_due);
    const breached = Number(r.breached);
    return {
      elementId: String(r.element_id),
      openTasks: Number(r.open_tasks),
      ended: Number(r.ended),
      medianMs: r.median_s === null || r.median_s === undefined ? null : Math.round(Number(r.median_s) * 1000),
      withDue,
      breached,
      breachedShare: withDue ? breached / withDue : null,
    };
  });
}
