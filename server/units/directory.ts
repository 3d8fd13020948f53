import type { Knex } from 'knex';
import { STEERING_UNITS } from '../regions/index.ts';

/** One unit as stored: a row of `groups`. */
export interface UnitRow {
  code: string;
  name: string;
  publicName: string | null;
  kind: string | null;
  parentCode: string | null;
  active: boolean;
  sort: number;
}

/**
 * Kinds of unit a region may have. `steering` units (派单中心, 领导) steer the work: they are
 * candidate groups of the shared process but never a dispatch target.
 */
export const UNIT_KINDS = ['county', 'township', 'street', 'village', 'community', 'bureau', 'utility', 'property', 'company', 'other', 'steering'] as const;

const COLUMNS = ['code', 'name', 'public_name', 'kind', 'parent_code', 'active', 'sort'];
const view = (r: Record<string, any>): UnitRow => ({
  code: r.code, name: r.name, publicName: r.public_name ?? null, kind: r.kind ?? null, parentCode: r.parent_code ?? null, active: r.active !== false, sort: Number(r.sort ?? 0),
});

/** Every unit of a region, deactivated ones too, parents' siblings in `sort` then code order. */
export async function readUnits(knex: Knex | Knex.Transaction, region: string): Promise<UnitRow[]> {
  return (await knex('groups').where({ region_id: region }).orderBy(['sort', 'code']).select(COLUMNS)).map(view);
}

/** A unit's display names: `name` for staff, `publicName` (else the name) for citizens. */
export interface UnitName {
  name: string;
  publicName: string;
  active: boolean;
}

/**
 * The names of a region's units by code, for every page that shows a code (task list, case
 * page, timeline, tracking page). Deactivated units keep their names: old tasks name them.
 */
export async function unitNames(knex: Knex | Knex.Transaction, region: string): Promise<Map<string, UnitName>> {
  const rows = await knex('groups').where({ region_id: region }).select('code', 'name', 'public_name', 'active');
  return new Map(rows.map((r) => [r.code as string, { name: r.name as string, publicName: (r.public_name as string | null) ?? r.name, active: r.active !== false }]));
}

/** `{code: name}` for the codes given (unknown codes are left out): what an API response carries beside codes. */
export function namesFor(names: Map<string, UnitName>, codes: Iterable<string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of codes) {
    const n = c ? names.get(c) : undefined;
    if (c && n) out[c] = n.name;
  }
  return out;
}

/** A choice of the unit form field: `depth` 0 is a top unit of the offered subtree. */
export interface UnitChoice {
  id: string;
  name: string;
  depth: number;
  parent: string | null;
}

/** The active units below `code` (not itself), depth first in tree order. */
export function descendants(units: UnitRow[], code: string | null): UnitChoice[] {
  const children = new Map<string | null, UnitRow[]>();
  for (const u of units) {
    if (!u.active) continue;
    const key = u.parentCode ?? null;
    if (!children.has(key)) children.set(key, []);
    children.get(key)!.push(u);
  }
  const out: UnitChoice[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    for (const u of children.get(parent) ?? []) {
      if (seen.has(u.code)) continue; // a stored cycle cannot happen (checked on write); never loop on one
      seen.add(u.code);
      out.push({ id: u.code, name: u.name, depth, parent: u.parentCode });
      visit(u.code, depth + 1);
    }
  };
  visit(code, 0);
  return out;
}

/**
 * What a unit form field offers: the region's active units (under `subtree` when the model
 * names one), with names, in tree order. Steering units are no dispatch target. An active unit
 * under a deactivated parent is left out with its parent: the admin retired the branch.
 */
export async function unitChoices(knex: Knex | Knex.Transaction, region: string, subtree?: string | null): Promise<UnitChoice[]> {
  const units = await readUnits(knex, region);
  return descendants(units, subtree ?? null).filter((u) => !isSteering(units.find((x) => x.code === u.id)!));
}

const STEERING_CODES = new Set(STEERING_UNITS.map(([code]) => code));
/** 派单中心 and 领导 of every region, and any unit the admin marked `steering`. */
export const isSteering = (u: { code: string; kind: string | null }) => u.kind === 'steering' || STEERING_CODES.has(u.code);

/** The unit codes a timeline event names: the groups a task was offered to, 改派 / 二级派单 targets. */
export function unitCodesOfEvent(data: Record<string, any> | null | undefined): string[] {
  if (!data) return [];
  const out: string[] = [];
  for (const k of ['candidateGroups', 'groups', 'from']) if (Array.isArray(data[k])) out.push(...data[k].filter((x: unknown) => typeof x === 'string'));
  for (const k of ['from', 'to', 'department']) if (typeof data[k] === 'string') out.push(data[k]);
  return out;
}

/**
 * `{code: name}` for every unit a case's tasks and timeline name: the case page shows names,
 * not codes (in Chinese a misspelt code once read like the real unit).
 */
export async function caseUnitNames(knex: Knex | Knex.Transaction, region: string, tasks: Array<{ candidate_groups?: string[] | null }>, events: Array<{ data?: any }>): Promise<Record<string, string>> {
  const codes = [...tasks.flatMap((t) => t.candidate_groups ?? []), ...events.flatMap((e) => unitCodesOfEvent(e.data))];
  return codes.length ? namesFor(await unitNames(knex, region), codes) : {};
}

/** `{code: name}` for the groups of a page of tasks, which may span regions (admin): one query. */
export async function taskGroupNames(knex: Knex | Knex.Transaction, rows: Array<{ region_id?: unknown; candidate_groups?: unknown }>): Promise<Map<string, Record<string, string>>> {
  const pairs = new Set<string>();
  for (const r of rows) for (const g of (r.candidate_groups as string[] | null) ?? []) pairs.add(`${r.region_id}\u0000${g}`);
  const out = new Map<string, Record<string, string>>();
  if (!pairs.size) return out;
  const regions = [...new Set(rows.map((r) => String(r.region_id)))];
  const codes = [...new Set([...pairs].map((p) => p.split('\u0000')[1]!))];
  const found = await knex('groups').whereIn('region_id', regions).whereIn('code', codes).select('region_id', 'code', 'name');
  for (const f of found) {
    if (!pairs.has(`${f.region_id}\u0000${f.code}`)) continue;
    if (!out.has(f.region_id)) out.set(f.region_id, {});
    out.get(f.region_id)![f.code] = f.name;
  }
  return out;
}

/** `{code: name}` for unit codes counted over one or more regions (metrics by unit); a code two regions name differently shows the first region's. */
export async function unitNamesIn(knex: Knex | Knex.Transaction, regions: string[], codes: string[]): Promise<Record<string, string>> {
  if (!regions.length || !codes.length) return {};
  const rows = await knex('groups').whereIn('region_id', regions).whereIn('code', [...new Set(codes)]).orderBy('region_id').select('code', 'name');
  const out: Record<string, string> = {};
  for (const r of rows) out[r.code] ??= r.name;
  return out;
}
