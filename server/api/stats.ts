import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { getDefinition } from '../definitions/index.ts';
import { idParam } from './definitions.ts';
import type { ElementStats } from '../definitions/element-stats.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const statsQuery = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** `all`: every version of this definition's process key in its region, so a fresh version is not an empty map. */
  versions: z.enum(['this', 'all']).default('this'),
});

export type { ElementStats };

/**
 * Per-element figures for the designer's SLA heat map. Breaches are read from the task rows
 * themselves (due time against end time) so the map works on any deployment, with or without
 * the SLA sweep having recorded a breach yet.
 */
export async function definitionStats(
  knex: Knex,
  now: Date,
  q: { definitionIds: number[]; regions: string[] | 'all'; from: Date; to: Date },
): Promise<ElementStats[]> {
  const query = knex('tasks as t')
    .join('cases as c', 'c.id', 't.case_id')
    .whereIn('c.definition_id', q.definitionIds)
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

/** `GET /definitions/:id/stats?from=&to=&versions=this|all` — the SLA heat map's data. */
export function statsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  r.get('/definitions/:id/stats', auth.require('designer', 'admin', 'auditor', 'leader'), async (req, res) => {
    const id = idParam(req.params.id);
    const q = statsQuery.parse(req.query);
    const def = await getDefinition(ctx.knex, id);
    auth.checkRegion(req, def.region_id, { allowDefault: true });
    const now = ctx.clock.now();
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
    const definitionIds =
      q.versions === 'all'
        ? (await ctx.knex('definitions').where({ region_id: def.region_id, key: def.key }).pluck('id')).map(Number)
        : [id];
    const elements = await definitionStats(ctx.read.reader(req), now, { definitionIds, regions: auth.regions(req), from, to });
    res.json({ definitionId: id, key: def.key, region: def.region_id, from, to, versions: q.versions, elements });
  });
  return r;
}
