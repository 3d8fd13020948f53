/**
 * Reading and replacing a region's catalogue. A replace takes the region's
 * whole tree as it should be and stores only what differs from `default`: a
 * node equal to its default one needs no row (so later default changes reach
 * it), a changed one gets an overriding row, a new one its own row, and a
 * default node the file leaves out a `hidden` row. For `default` itself the
 * rows are the file. One transaction, serialised per region on its regions
 * row: a refused file changes nothing, and two imports never interleave.
 */
import type { Knex } from 'knex';
import { recordChange } from '../admin-log/index.ts';
import { conflict, notFound } from '../errors/index.ts';
import { checkEntries, type CatalogueEntry, type EntryIssue } from './check.ts';
import { DEFAULT_REGION, effectiveTree, parentLinks, type CatalogueRow, type CatalogueTree, type ParentLinks } from './tree.ts';

const COLUMNS = ['region_id', 'code', 'parent_code', 'name', 'keywords', 'default_unit', 'active', 'hidden', 'sort'];

async function rowsOf(knex: Knex | Knex.Transaction, region: string): Promise<CatalogueRow[]> {
  const rows = await knex('catalogue_nodes').where({ region_id: region }).select(COLUMNS);
  return rows.map((r: CatalogueRow) => ({ ...r, keywords: r.keywords ?? [], sort: Number(r.sort) }));
}

async function ensureRegion(knex: Knex | Knex.Transaction, region: string, lock = false): Promise<void> {
  const q = knex('regions').where({ id: region }).first('id');
  if (!(await (lock ? q.forUpdate() : q))) throw notFound('Region', region);
}

/** The region's effective tree (404 for a region that does not exist). */
export async function readCatalogue(knex: Knex | Knex.Transaction, region: string): Promise<CatalogueTree> {
  await ensureRegion(knex, region);
  const defaults = await rowsOf(knex, DEFAULT_REGION);
  return effectiveTree(region, defaults, region === DEFAULT_REGION ? [] : await rowsOf(knex, region));
}

/** Every region's parent links, for the SLA limit walk (server/sla/config-cache.ts). */
export async function readParentLinks(knex: Knex | Knex.Transaction): Promise<ParentLinks> {
  return parentLinks(await knex('catalogue_nodes').select('region_id', 'code', 'parent_code'));
}

/** Units a node's default unit may name: the region's groups and the shared ones of `default`. */
async function unitsOf(knex: Knex.Transaction, region: string): Promise<Set<string>> {
  return new Set(await knex('groups').whereIn('region_id', [region, DEFAULT_REGION]).pluck('code'));
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameAsDefault = (e: CatalogueEntry, d: CatalogueRow) =>
  e.name === d.name && e.parentCode === d.parent_code && e.defaultUnit === d.default_unit && e.active === d.active && sameList(e.keywords, d.keywords);

/** Position among siblings, in the order the entries came. */
function siblingOrder(entries: CatalogueEntry[]): number[] {
  const next = new Map<string | null, number>();
  return entries.map((e) => {
    const n = next.get(e.parentCode) ?? 0;
    next.set(e.parentCode, n + 1);
    return n;
  });
}

export interface ReplaceOptions {
  actor: string;
  now: Date;
  /** "on row 7": where entry i is, for messages that name another entry. */
  where: (entry: number) => string;
  /** The error to throw for these problems (with the format's own), or null to go on. */
  reject: (issues: EntryIssue[]) => Error | null;
}

/** Replaces the region's catalogue with `entries`; returns the new effective tree. */
export async function replaceCatalogue(knex: Knex, region: string, entries: CatalogueEntry[], opts: ReplaceOptions): Promise<CatalogueTree> {
  return knex.transaction(async (trx: Knex.Transaction) => {
    await ensureRegion(trx, region, true);
    const refused = opts.reject(checkEntries(entries, await unitsOf(trx, region), opts.where));
    if (refused) throw refused;
    const order = siblingOrder(entries);
    const stamp = { updated_at: opts.now, updated_by: opts.actor };
    const rowOf = (e: CatalogueEntry, sort: number) => ({
      region_id: region, code: e.code, parent_code: e.parentCode, name: e.name, keywords: e.keywords, default_unit: e.defaultUnit, active: e.active, hidden: false, sort, ...stamp,
    });
    let rows: Array<Record<string, unknown>>;
    if (region === DEFAULT_REGION) {
      rows = entries.map((e, i) => rowOf(e, order[i]!));
      await refuseOrphans(trx, new Set(entries.map((e) => e.code)));
    } else {
      const defaults = new Map((await rowsOf(trx, DEFAULT_REGION)).map((d) => [d.code, d]));
      const given = new Set(entries.map((e) => e.code));
      rows = entries.flatMap((e, i) => {
        const d = defaults.get(e.code);
        if (d && sameAsDefault(e, d)) return [];
        // An inherited node keeps its default place among its siblings; the region's own follow them (tree.ts).
        return [rowOf(e, d ? d.sort : order[i]!)];
      });
      for (const d of defaults.values()) {
        if (!given.has(d.code)) rows.push({ ...rowOf({ code: d.code, parentCode: d.parent_code, name: d.name, keywords: d.keywords, defaultUnit: d.default_unit, active: d.active }, d.sort), hidden: true });
      }
    }
    const before = await rowsOf(trx, region);
    await trx('catalogue_nodes').where({ region_id: region }).delete();
    // Chunked: a standard's full table (≈1,000 nodes × 12 columns) stays far below PostgreSQL's 65,535 parameters.
    for (let i = 0; i < rows.length; i += 500) await trx('catalogue_nodes').insert(rows.slice(i, i + 500));
    const after = await rowsOf(trx, region);
    await recordChange(trx, { at: opts.now, actor: opts.actor, regionId: region, entity: 'catalogue', key: region, before: before.length ? logged(before) : null, after: logged(after) });
    return readCatalogue(trx, region);
  });
}

/**
 * The change log's view of a region's rows, by code: what the region changed, added or hid
 * (its rows are exactly that), so the log's before → after names the nodes that differ.
 */
function logged(rows: CatalogueRow[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of [...rows].sort((a, b) => a.code.localeCompare(b.code))) {
    out[r.code] = r.hidden ? { hidden: true } : { name: r.name, parent: r.parent_code, keywords: r.keywords, defaultUnit: r.default_unit, active: r.active };
  }
  return out;
}

/**
 * A default node a region has put its own nodes under may not go away: they would fall out of
 * that region's tree unseen. (A region's overriding row of a removed node simply becomes its own.)
 */
async function refuseOrphans(trx: Knex.Transaction, kept: Set<string>): Promise<void> {
  const rows: Array<{ region_id: string; code: string; parent_code: string | null }> = await trx('catalogue_nodes')
    .whereNot({ region_id: DEFAULT_REGION })
    .where({ hidden: false })
    .select('region_id', 'code', 'parent_code');
  const own = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!own.has(r.region_id)) own.set(r.region_id, new Set());
    own.get(r.region_id)!.add(r.code);
  }
  const orphans = rows.filter((r) => r.parent_code !== null && !kept.has(r.parent_code) && !own.get(r.region_id)!.has(r.parent_code));
  if (orphans.length) {
    const list = orphans.slice(0, 10).map((o) => `${o.region_id}: ${o.code} under ${o.parent_code}`);
    throw conflict('catalogue_node_in_use', `Regions have their own nodes under default nodes this catalogue leaves out (${list.join('; ')}); keep those nodes, or change the regions' catalogues first. Nothing was changed.`, { orphans: orphans.map((o) => ({ region: o.region_id, code: o.code, parent: o.parent_code })) });
  }
}
