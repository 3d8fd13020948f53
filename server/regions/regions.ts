import type { Knex } from 'knex';

/** The regions (旗县区) of the glossary; `default` holds the shared processes. */
export const REGIONS = [
  { id: 'default', name: '默认', case_prefix: 'DF' },
  { id: 'saihan', name: '赛罕区', case_prefix: 'SH' },
  { id: 'yuquan', name: '玉泉区', case_prefix: 'YQ' },
  { id: 'hongshan', name: '红山区', case_prefix: 'HS' },
  { id: 'siziwang', name: '四子王旗', case_prefix: 'SZ' },
  { id: 'dongsheng', name: '东胜区', case_prefix: 'DS' },
  { id: 'naiman', name: '奈曼旗', case_prefix: 'NM' },
  { id: 'haibowan', name: '海勃湾区', case_prefix: 'HB' },
  { id: 'zhalaite', name: '扎赉特旗', case_prefix: 'ZL' },
] as const;

/** Inserts the known regions; existing rows are left as they are. */
export async function ensureRegions(knex: Knex): Promise<void> {
  await knex('regions').insert(REGIONS.map((r) => ({ ...r }))).onConflict('id').ignore();
}

export async function listRegions(knex: Knex): Promise<Array<{ id: string; name: string }>> {
  return knex('regions').select('id', 'name').orderBy('id');
}
