import type { Knex } from 'knex';
import { z } from 'zod';
import { recordChange } from '../admin-log/index.ts';
import { AppError, invalid, notFound } from '../errors/index.ts';
import { isSteering, readUnits, UNIT_KINDS, type UnitRow } from './directory.ts';

export const UNIT_CODE = /^[a-z0-9][a-z0-9-]{0,59}$/;

/** One node of a region's unit tree, as GET returns it and PUT takes it. */
export interface UnitNode {
  code: string;
  name: string;
  publicName?: string | null;
  kind?: string | null;
  active?: boolean;
  children?: UnitNode[];
}

// Codes are checked per node below (a per-node error list), so the schema takes any string.
export const unitNodeSchema: z.ZodType<UnitNode> = z.lazy(() =>
  z.object({
    code: z.string().max(80).describe('Stable code BPMN candidate groups name: lower-case letters, digits, dashes'),
    name: z.string().max(200).describe('What staff read, e.g. 音德尔镇人民政府'),
    publicName: z.string().max(200).nullable().optional().describe('What citizens read on the tracking page (default: the name)'),
    kind: z.string().max(40).nullable().optional().describe(`One of ${UNIT_KINDS.join(', ')}`),
    active: z.boolean().optional().describe('false: kept for history, no new work'),
    children: z.array(unitNodeSchema).max(500).optional(),
  }),
);
export const unitTreeSchema = z.object({ units: z.array(unitNodeSchema).max(500) });
/** The same body for the OpenAPI document, which cannot draw a recursive schema. */
export const unitTreeDoc = z.object({
  units: z.array(z.object({
    code: z.string().describe('lower-case letters, digits, dashes; stable: BPMN candidate groups name it'),
    name: z.string(),
    publicName: z.string().nullish().describe('what citizens read (default: the name)'),
    kind: z.string().nullish().describe(UNIT_KINDS.join(' | ')),
    active: z.boolean().optional().describe('false: kept for history, no new work'),
    children: z.array(z.unknown()).optional().describe('units of the same shape, to any depth'),
  })),
});

/** A region's units as a tree: deactivated ones too (with `active: false`), in `sort` order. */
export async function readUnitTree(knex: Knex | Knex.Transaction, region: string) {
  if (!(await knex('regions').where({ id: region }).first('id'))) throw notFound('Region', region);
  return toTree(await readUnits(knex, region));
}

export function toTree(units: UnitRow[]) {
  type Out = { code: string; name: string; publicName: string | null; kind: string | null; active: boolean; children: Out[] };
  const byCode = new Map<string, Out>(units.map((u) => [u.code, { code: u.code, name: u.name, publicName: u.publicName, kind: u.kind, active: u.active, children: [] }]));
  const roots: Out[] = [];
  for (const u of units) {
    const parent = u.parentCode ? byCode.get(u.parentCode) : undefined;
    (parent ? parent.children : roots).push(byCode.get(u.code)!);
  }
  return roots;
}

export interface NodeProblem {
  code: string;
  path: string;
  rule: 'unit_code_invalid' | 'unit_duplicate' | 'unit_name_missing' | 'unit_kind_unknown' | 'unit_cycle';
  message: string;
}

interface Flat {
  code: string;
  name: string;
  publicName: string | null;
  kind: string | null;
  active: boolean;
  parentCode: string | null;
  sort: number;
}

/** The tree as rows, parents before children, with every bad node reported (not only the first). */
export function flattenTree(nodes: UnitNode[]): { rows: Flat[]; problems: NodeProblem[] } {
  const rows: Flat[] = [];
  const problems: NodeProblem[] = [];
  const seen = new Map<string, string>();
  const walk = (list: UnitNode[], parent: string | null, prefix: string) => {
    list.forEach((n, i) => {
      const path = `${prefix}[${i}]`;
      const code = String(n.code ?? '').trim();
      if (!UNIT_CODE.test(code)) problems.push({ code, path, rule: 'unit_code_invalid', message: `"${code}": lower-case letters, digits and dashes, at most 60.` });
      else if (seen.has(code)) problems.push({ code, path, rule: 'unit_duplicate', message: `"${code}" is in the tree twice (also at ${seen.get(code)}).` });
      seen.set(code, seen.get(code) ?? path);
      const name = String(n.name ?? '').trim();
      if (!name) problems.push({ code, path, rule: 'unit_name_missing', message: `"${code}" needs a name.` });
      if (n.kind && !(UNIT_KINDS as readonly string[]).includes(n.kind)) problems.push({ code, path, rule: 'unit_kind_unknown', message: `"${n.kind}" is not a unit kind (${UNIT_KINDS.join(', ')}).` });
      rows.push({ code, name, publicName: n.publicName?.trim() || null, kind: n.kind || null, active: n.active !== false, parentCode: parent, sort: i });
      walk(n.children ?? [], code, `${path}.children`);
    });
  };
  walk(nodes, null, 'units');
  return { rows, problems };
}

/** Whether making `parent` the parent of `code` closes a loop in the region's units. */
export function makesCycle(units: Array<{ code: string; parentCode: string | null }>, code: string, parent: string | null): boolean {
  const parentOf = new Map(units.map((u) => [u.code, u.parentCode]));
  parentOf.set(code, parent);
  const seen = new Set<string>();
  for (let at: string | null | undefined = code; at; at = parentOf.get(at)) {
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

const audited = (region: string, u: Flat | UnitRow) => ({ region, code: u.code, name: u.name, publicName: u.publicName, kind: u.kind, parentCode: u.parentCode, active: u.active });
const same = (a: Flat, b: UnitRow) =>
  a.name === b.name && a.publicName === b.publicName && a.kind === b.kind && a.parentCode === b.parentCode && a.active === b.active && a.sort === b.sort;

/**
 * Replaces a region's unit tree in one transaction: new units are created, changed ones
 * updated, and units missing from the tree deactivated — never deleted, since tasks, SLA
 * clocks and the timeline name them. A tree a unit appears in twice has no cycle by
 * construction, so `unit_duplicate` is what a loop looks like here. The steering units
 * (派单中心, 领导) are never deactivated by leaving them out. On any bad node nothing
 * is written and every problem is listed (422). Each change goes on the admin change log.
 */
export async function replaceUnitTree(knex: Knex, region: string, nodes: UnitNode[], audit: { actor: string; now: Date }) {
  const { rows, problems } = flattenTree(nodes);
  if (problems.length) throw new AppError(problems[0]!.rule, 'Some units need attention; nothing was changed.', { status: 422, details: { units: problems } });
  return knex.transaction(async (trx) => {
    if (!(await trx('regions').where({ id: region }).forUpdate().first('id'))) throw notFound('Region', region);
    const before = new Map((await readUnits(trx, region)).map((u) => [u.code, u]));
    const given = new Set(rows.map((r) => r.code));
    let changed = 0;
    // Parents come before their children in `rows`, so each parent exists when its child points to it.
    for (const r of rows) {
      const old = before.get(r.code);
      if (old && same(r, old)) continue;
      const values = { name: r.name, public_name: r.publicName, kind: r.kind, parent_code: r.parentCode, active: r.active, sort: r.sort };
      if (old) await trx('groups').where({ region_id: region, code: r.code }).update(values);
      else await trx('groups').insert({ region_id: region, code: r.code, ...values });
      // A unit that only moved among its siblings is no change anyone audits.
      const moved = old && JSON.stringify(audited(region, old)) === JSON.stringify(audited(region, r));
      if (moved) continue;
      await recordChange(trx, { at: audit.now, actor: audit.actor, regionId: region, entity: 'group', key: r.code, before: old ? audited(region, old) : null, after: audited(region, r) });
      changed++;
    }
    for (const old of before.values()) {
      // 派单中心 and 领导 stay: the shared process's steering steps name them in every region.
      if (given.has(old.code) || !old.active || isSteering(old)) continue;
      await trx('groups').where({ region_id: region, code: old.code }).update({ active: false });
      await recordChange(trx, { at: audit.now, actor: audit.actor, regionId: region, entity: 'group', key: old.code, before: audited(region, old), after: { ...audited(region, old), active: false } });
      changed++;
    }
    return { changed, units: toTree(await readUnits(trx, region)) };
  });
}

/** Refuses a parent that is no unit of the region or that would close a loop (PUT /groups/:region/:code). */
export async function checkParent(knex: Knex | Knex.Transaction, region: string, code: string, parent: string | null): Promise<void> {
  if (!parent) return;
  const units = await readUnits(knex, region);
  if (!units.some((u) => u.code === parent)) throw invalid('unit_parent_unknown', `No unit ${parent} in ${region}.`, { parentCode: parent });
  if (makesCycle(units, code, parent)) throw invalid('unit_cycle', `${parent} is ${code} itself or below it: a unit cannot be its own parent.`, { code, parentCode: parent });
}
