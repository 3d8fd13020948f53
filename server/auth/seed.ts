import type { Knex } from 'knex';
import { DEMO_REGIONS } from '../regions/index.ts';
import { hashPassword } from './password.ts';

/** Departments and units every demo region gets (codes are what BPMN candidate groups name). */
export const DEMO_GROUPS: Array<[string, string]> = [
  ['dispatchers', '派单中心'],
  ['leaders', '领导'],
  ['street-office', '街道办事处'],
  ['community', '社区居委会'],
  ['property-office', '物业服务中心'],
  ['city-management', '城市管理局'],
  ['housing', '住建局'],
  ['water-utility', '水务公司'],
  ['enforcement-bureau', '综合行政执法局'],
  ['veterans-service', '退役军人服务站'],
  ['civil-affairs', '民政局'],
];

const DEPARTMENTS = DEMO_GROUPS.map(([code]) => code).filter((c) => c !== 'dispatchers' && c !== 'leaders');

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
  await knex('groups')
    .insert(regions.flatMap((r) => DEMO_GROUPS.map(([code, name]) => ({ region_id: r.id, code, name }))))
    .onConflict(['region_id', 'code'])
    .ignore();
  const people = [
    { username: 'admin', display_name: '系统管理员', role: 'admin', region_id: null, groups: [] as string[] },
    ...regions.flatMap((r) =>
      DEMO_ROLES.map((d) => ({ username: `${r.id}.${d.role}`, display_name: `${r.name}${d.name}`, role: d.role, region_id: r.id, groups: d.groups })),
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
