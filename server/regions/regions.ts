import type { Knex } from 'knex';
import { z } from 'zod';
import { recordChange } from '../admin-log/index.ts';
import { AppError, conflict, notFound } from '../errors/index.ts';
import { isTimeZone } from '../clock/index.ts';

/**
 * The demo regions (旗县区 of the glossary), seeded on a demo start; `default` — the shared
 * processes, catalogue and limits every region inherits — on every start. Everything else is
 * what an admin creates and edits (POST /regions, PATCH /regions/:region).
 */
export const DEFAULT_REGION = { id: 'default', name: '默认', case_prefix: 'DF' } as const;
export const DEMO_REGIONS = [
  { id: 'saihan', name: '赛罕区', case_prefix: 'SH', parent_city: '呼和浩特市' },
  { id: 'yuquan', name: '玉泉区', case_prefix: 'YQ', parent_city: '呼和浩特市' },
  { id: 'hongshan', name: '红山区', case_prefix: 'HS', parent_city: '赤峰市' },
  { id: 'siziwang', name: '四子王旗', case_prefix: 'SZ', parent_city: '乌兰察布市' },
  { id: 'dongsheng', name: '东胜区', case_prefix: 'DS', parent_city: '鄂尔多斯市' },
  { id: 'naiman', name: '奈曼旗', case_prefix: 'NM', parent_city: '通辽市' },
  { id: 'haibowan', name: '海勃湾区', case_prefix: 'HB', parent_city: '乌海市' },
  { id: 'zhalaite', name: '扎赉特旗', case_prefix: 'ZL', parent_city: '兴安盟' },
] as const;
/** @deprecated seed data only: read regions from the database. */
export const REGIONS = [DEFAULT_REGION, ...DEMO_REGIONS] as const;

/** Units every region has from its creation: the shared process's steering steps name them. */
export const STEERING_UNITS: Array<[string, string]> = [['dispatchers', '派单中心'], ['leaders', '领导']];

/** Inserts `default`, and the demo regions on a demo start; existing rows are left as they are. */
export async function ensureRegions(knex: Knex, opts: { demo?: boolean } = { demo: true }): Promise<void> {
  const rows = opts.demo === false ? [DEFAULT_REGION] : REGIONS;
  await knex('regions').insert(rows.map((r) => ({ ...r }))).onConflict('id').ignore();
  // Like a region an admin creates, each has its steering units from the start.
  const regions = rows.filter((r) => r.id !== DEFAULT_REGION.id);
  if (regions.length) {
    await knex('groups').insert(regions.flatMap((r) => STEERING_UNITS.map(([code, name]) => ({ region_id: r.id, code, name, kind: 'steering' })))).onConflict(['region_id', 'code']).ignore();
  }
}


const fields = {
  name: z.string().trim().min(1).max(40).describe('The region\'s name as citizens know it, e.g. 科尔沁右翼前旗'),
  casePrefix: z.string().regex(/^[A-Z]{2,4}$/, '2–4 capital letters, e.g. KQ').describe('Case numbers start with it: KQ20261201000123'),
  parentCity: z.string().trim().max(40).nullable().optional().describe('The city or league (盟) it belongs to'),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').optional().describe('Case numbers and date filters follow it (default Asia/Shanghai)'),
};
export const newRegionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case letters, digits and -, 2–40 characters, e.g. keyouqian').describe('Stable id used in URLs and data; cannot change'),
  ...fields,
});
export const regionPatchSchema = z.object({ ...fields, name: fields.name.optional(), casePrefix: fields.casePrefix.optional() });

export interface RegionView {
  id: string;
  name: string;
  casePrefix: string;
  parentCity: string | null;
  timeZone: string;
}

const view = (r: Record<string, any>): RegionView => ({ id: r.id, name: r.name, casePrefix: r.case_prefix, parentCity: r.parent_city ?? null, timeZone: r.time_zone ?? 'Asia/Shanghai' });
const COLUMNS = ['id', 'name', 'case_prefix', 'parent_city', 'time_zone'];

export async function listRegions(knex: Knex): Promise<RegionView[]> {
  return (await knex('regions').select(COLUMNS).orderBy('id')).map(view);
}

async function prefixFree(trx: Knex.Transaction, prefix: string, except?: string) {
  const q = trx('regions').where({ case_prefix: prefix });
  if (except) q.whereNot({ id: except });
  const taken = await q.first('id');
  if (taken) throw conflict('case_prefix_taken', `Case-number prefix ${prefix} already belongs to region ${taken.id}.`, { region: taken.id });
}

/** A new region with its steering units (派单中心, 领导); staff, units, catalogue and limits follow in the admin console. */
export async function createRegion(knex: Knex, input: z.infer<typeof newRegionSchema>, actor: string, now: Date): Promise<RegionView> {
  return knex.transaction(async (trx) => {
    if (await trx('regions').where({ id: input.id }).first('id')) throw conflict('region_exists', `Region ${input.id} already exists.`);
    await prefixFree(trx, input.casePrefix);
    const [row] = await trx('regions')
      .insert({ id: input.id, name: input.name, case_prefix: input.casePrefix, parent_city: input.parentCity ?? null, time_zone: input.timeZone ?? 'Asia/Shanghai', created_at: now, updated_at: now })
      .returning(COLUMNS);
    await trx('groups').insert(STEERING_UNITS.map(([code, name]) => ({ region_id: input.id, code, name, kind: 'steering' }))).onConflict(['region_id', 'code']).ignore();
    const created = view(row);
    await recordChange(trx, { at: now, actor, regionId: input.id, entity: 'region', key: input.id, before: null, after: created });
    return created;
  });
}

export async function updateRegion(knex: Knex, id: string, patch: z.infer<typeof regionPatchSchema>, actor: string, now: Date): Promise<RegionView> {
  if (id === 'default' && patch.casePrefix) throw new AppError('validation_failed', 'The default region has no cases of its own; its prefix stays.', { status: 422 });
  return knex.transaction(async (trx) => {
    const before = await trx('regions').where({ id }).forUpdate().first(COLUMNS);
    if (!before) throw notFound('Region', id);
    if (patch.casePrefix) await prefixFree(trx, patch.casePrefix, id);
    const changes: Record<string, unknown> = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.casePrefix !== undefined) changes.case_prefix = patch.casePrefix;
    if (patch.parentCity !== undefined) changes.parent_city = patch.parentCity;
    if (patch.timeZone !== undefined) changes.time_zone = patch.timeZone;
    const [row] = await trx('regions').where({ id }).update(changes).returning(COLUMNS);
    const after = view(row);
    await recordChange(trx, { at: now, actor, regionId: id, entity: 'region', key: id, before: view(before), after });
    return after;
  });
}
