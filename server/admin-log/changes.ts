import type { Knex } from 'knex';
import { z } from 'zod';

export type ChangeEntity = 'region' | 'group' | 'user' | 'sla_limits' | 'calendar' | 'catalogue' | 'rules';

/**
 * One row per change to a region's set-up, written in the transaction that makes the change:
 * who, when, and the thing before and after (null before = created). Secrets never go in —
 * callers pass views without password hashes.
 */
export async function recordChange(
  knex: Knex | Knex.Transaction,
  change: { at: Date; actor: string; regionId: string | null; entity: ChangeEntity; key: string; before: unknown; after: unknown },
): Promise<void> {
  await knex('admin_changes').insert({
    at: change.at,
    actor: change.actor,
    region_id: change.regionId,
    entity: change.entity,
    key: change.key,
    before: change.before === null || change.before === undefined ? null : JSON.stringify(change.before),
    after: change.after === null || change.after === undefined ? null : JSON.stringify(change.after),
  });
}

export const changeQuerySchema = z.object({
  region: z.string().max(40).optional(),
  entity: z.enum(['region', 'group', 'user', 'sla_limits', 'calendar', 'catalogue', 'rules']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Newest first, within the regions the reader may see (null: all). */
export async function listChanges(knex: Knex, regions: string[] | null, q: z.infer<typeof changeQuerySchema>) {
  const base = knex('admin_changes');
  if (regions) base.whereIn('region_id', regions);
  if (q.region) base.where({ region_id: q.region });
  if (q.entity) base.where({ entity: q.entity });
  const rows = await base.orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.limit).offset(q.offset)
    .select('id', 'at', 'actor', 'region_id', 'entity', 'key', 'before', 'after');
  return { items: rows.map((r: Record<string, any>) => ({ id: Number(r.id), at: r.at, actor: r.actor, region: r.region_id, entity: r.entity, key: r.key, before: r.before, after: r.after })) };
}
