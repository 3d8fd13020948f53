import type { Knex } from 'knex';
import { DEMO_REGIONS } from '../regions/index.ts';
import { hashPassword } from './password.ts';

/**
 * Departments and units every demo region gets (codes are what BPMN candidate groups name), as
 * a tree: [code, name, parent, kind]. Parents come before their children (the foreign key).
 */
export const DEMO_GROUPS: Array<[string, string, string | null, string]> = [
  ['dispatchers', '派单中心', null, 'steering'],
  ['leaders', '领导', null, 'steering'],
  ['street-office', '街道办事处', null, 'street'],
  ['community', '社区居委会', 'street-office', 'community'],
  ['property-office', '物业服务中心', 'community', 'property'],
  ['veterans-service', '退役军人服务站', 'street-office', 'other'],
  ['city-management', '城市管理局', null, 'bureau'],
  ['housing', '住建局', null, 'bureau'],
  ['water-utility', '水务公司', null, 'utility'],
  ['enforcement-bureau', '综合行政执法局', null, 'bureau'],
  ['civil-affairs', '民政局', null, 'bureau'],
];

/** 扎赉特旗's own branch: 音德尔镇 → 解放社区 → its property company (二级派单 in the demo). */
const ZHALAITE_UNITS: Array<[string, string, string | null, string, string]> = [
  ['yinder-town', '音德尔镇', null, 'township', '扎赉特旗音德尔镇人民政府'],
  ['jiefang-community', '解放社区', 'yinder-town', 'community', '音德尔镇解放社区居民委员会'],
  ['jiefang-property', '解放社区物业公司', 'jiefang-community', 'property', '扎赉特旗安居物业服务有限公司'],
];

const DEPARTMENTS = DEMO_GROUPS.filter(([, , , kind]) => kind !== 'steering').map(([code]) => code);

const DEMO_ROLES: Array<{ role: string; name: string; groups: string[] }> = [
  { role: 'dispatcher', name: '派单员', groups: ['dispatchers'] },
  // The demo handler works for every department so one person can walk a case through.
  { role: 'handler', name: '承办人', groups: DEPARTMENTS },
  { role: 'leader', name: '领导', groups: ['leaders'] },
  { role: 'designer', name: '流程设计员', groups: [] },
  { role: 'auditor', name: '审计员', groups: [] },
];

/**
 * Demo users for every region (`R.dispatcher` … `R.auditor`) and `admin`, all
 * with password `demo`. Only on an empty users table, only in demo mode.
 * Returns how many users it created.
 */
export async function seedDemoUsers(knex: Knex, now: Date, password = 'demo'): Promise<number> {
  const existing = await knex('users').count<{ n: number }[]>('* as n').first();
  if (Number(existing?.n ?? 0) > 0) return 0;
  const regions = DEMO_REGIONS;
  const rows = regions.flatMap((r) => [
    ...DEMO_GROUPS.map(([code, name, parent, kind], sort) => ({ region_id: r.id, code, name, parent_code: parent, kind, sort, public_name: null as string | null })),
    ...(r.id === 'zhalaite' ? ZHALAITE_UNITS.map(([code, name, parent, kind, publicName], i) => ({ region_id: r.id, code, name, parent_code: parent, kind, sort: DEMO_GROUPS.length + i, public_name: publicName })) : []),
  ]);
  // The steering units exist already (ensureRegions): they get their kind, the rest are new.
  await knex('groups').insert(rows).onConflict(['region_id', 'code']).merge(['kind', 'sort']);
  const people = [
    { username: 'admin', display_name: '系统管理员', role: 'admin', region_id: null, groups: [] as string[] },
    ...regions.flatMap((r) =>
      DEMO_ROLES.map((d) => ({
        username: `${r.id}.${d.role}`, display_name: `${r.name}${d.name}`, role: d.role, region_id: r.id,
        groups: d.role === 'handler' && r.id === 'zhalaite' ? [...d.groups, ...ZHALAITE_UNITS.map(([code]) => code)] : d.groups,
      })),
    ),
  ];
  const hashes = await Promise.all(people.map(() => hashPassword(password)));
  // Idempotent even outside the start-up lock: a second seeder that also saw an empty table adds nothing.
  const inserted = await knex('users')
    .insert(people.map((p, i) => ({ ...p, password_hash: hashes[i], created_at: now })))
    .onConflict('username')
    .ignore()
    .returning('id');
  return inserted.length;
}
