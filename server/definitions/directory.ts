import type { Knex } from 'knex';
import type { Directory } from './validate/names.ts';
import { flatten, readCatalogue } from '../catalogue/index.ts';

/**
 * The names a model deployed to a region may use: that region's units (groups) and active
 * staff. A model deployed to `default` runs in every region without its own version of the
 * process, so its units must exist in each of those that has set up any unit yet; it may
 * name no person (a username belongs to one region).
 */
export async function deployDirectory(knex: Knex, regionId: string, processKey: string): Promise<Directory> {
  if (regionId !== 'default') {
    const [groups, users, region] = await Promise.all([
      knex('groups').where({ region_id: regionId }).pluck('code'),
      knex('users').where({ region_id: regionId, active: true }).pluck('username'),
      knex('regions').where({ id: regionId }).first('name'),
    ]);
    return { groups: new Set(groups), users: new Set(users), categories: await catalogueCodes(knex, regionId), regionName: region?.name ?? regionId };
  }
  const runners: string[] = await knex('groups as g')
    .where('g.region_id', '<>', 'default')
    .whereNotExists(knex('definitions as d').whereRaw('d.region_id = g.region_id').where('d.key', processKey).select(knex.raw('1')))
    .distinct('g.region_id')
    .pluck('g.region_id');
  const perRegion = await knex('groups').whereIn('region_id', runners).select('region_id', 'code');
  const codes = new Map<string, Set<string>>();
  for (const row of perRegion) {
    if (!codes.has(row.code)) codes.set(row.code, new Set());
    codes.get(row.code)!.add(row.region_id);
  }
  const everywhere = [...codes.entries()].filter(([, regions]) => regions.size === runners.length).map(([code]) => code);
  return { groups: new Set(everywhere), users: new Set(), categories: await catalogueCodes(knex, 'default'), regionName: `every region that runs the shared process (${runners.length})` };
}

/** Every code of the region's effective catalogue, retired ones included (their old cases still run). */
async function catalogueCodes(knex: Knex, regionId: string): Promise<Set<string>> {
  return new Set(flatten(await readCatalogue(knex, regionId)).map((n) => n.code));
}
