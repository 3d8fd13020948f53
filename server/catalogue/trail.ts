/**
 * The intake check: is `code` a node a case may be taken in under now, in the
 * region's effective tree, and what is its path of codes and names? One
 * statement walks from the node up to its top level by primary key (the
 * region's own row for a code, else `default`'s), and asks whether any active
 * node hangs below it — no read of the whole tree per case.
 */
import type { Knex } from 'knex';
import { AppError } from '../errors/index.ts';
import { DEFAULT_REGION, MAX_DEPTH } from './tree.ts';

export type CategoryPath = Array<{ code: string; name: string }>;

const TRAIL_SQL = `
with recursive trail as (
  select e.code, e.parent_code, e.name, e.active, e.hidden, 0 as depth
  from (select * from catalogue_nodes n where n.code = ? and n.region_id in (?, ?) order by n.region_id = ? limit 1) e
  union all
  select e.code, e.parent_code, e.name, e.active, e.hidden, t.depth + 1
  from trail t
  cross join lateral (select * from catalogue_nodes n where n.code = t.parent_code and n.region_id in (?, ?) order by n.region_id = ? limit 1) e
  where t.depth < ?
)
select code, parent_code, name, active, hidden, depth,
  exists (
    select 1 from catalogue_nodes c
    where c.region_id in (?, ?) and c.parent_code = ? and c.active and not c.hidden
      and (c.region_id = ? or not exists (select 1 from catalogue_nodes o where o.region_id = ? and o.code = c.code))
  ) as branch
from trail order by depth`;

interface TrailRow {
  code: string;
  parent_code: string | null;
  name: string;
  active: boolean;
  hidden: boolean;
  depth: number;
  branch: boolean;
}

/**
 * The path (top level first) of the node a new case is taken in under, or a 422:
 * `category_unknown` (no such node in the region, or hidden there), `category_retired`
 * (it or a node above it is retired: 停用), `category_branch` (active nodes hang below it:
 * cases are classified to the finest level, as the standards ask and Open311 lists).
 */
export async function intakeCategory(knex: Knex | Knex.Transaction, region: string, code: string): Promise<CategoryPath> {
  // The region itself first; for `default` the own row and the shared one are the same.
  const own = [region, DEFAULT_REGION, DEFAULT_REGION];
  const res = await knex.raw(TRAIL_SQL, [code, ...own, ...own, MAX_DEPTH, region, DEFAULT_REGION, code, region, region]);
  const rows: TrailRow[] = res.rows ?? res;
  const top = rows[rows.length - 1];
  if (!top || top.parent_code !== null || rows.some((r) => r.hidden)) {
    throw new AppError('category_unknown', `Category ${code} is not in the request catalogue of region ${region}; GET /api/v1/regions/${region}/catalogue lists it.`, { status: 422, details: { category: code } });
  }
  const retired = rows.find((r) => !r.active);
  if (retired) {
    const what = retired.code === code ? `Category ${code} (${retired.name})` : `Category ${code} is under ${retired.code} (${retired.name}), which`;
    throw new AppError('category_retired', `${what} is retired (停用) in region ${region}: it takes no new case.`, { status: 422, details: { category: code } });
  }
  if (rows[0]!.branch) {
    throw new AppError('category_branch', `Category ${code} (${rows[0]!.name}) has categories below it; choose one of them.`, { status: 422, details: { category: code } });
  }
  return rows.map((r) => ({ code: r.code, name: r.name })).reverse();
}
