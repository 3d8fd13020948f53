import type { Knex } from 'knex';

/** Units (groups) of a region, or of every region when none is named (admin); deactivated ones too, with `active`. */
export async function listGroups(knex: Knex, region: string | undefined) {
  const q = knex('groups').orderBy(['region_id', 'code'])
    .select('region_id as region', 'code', 'name', 'parent_code as parentCode', 'kind', 'public_name as publicName', 'active');
  if (region) q.where({ region_id: region });
  return q;
}

/**
 * Active case workers of a region (to assign or delegate a task to): no admins, designers or auditors.
 * `everyone` (the admin console) lists every role and deactivated accounts too, with `active`.
 */
export async function listStaff(knex: Knex, region: string | undefined, opts: { everyone?: boolean } = {}) {
  const q = knex('users').orderBy('username').select('username', 'display_name as displayName', 'role', 'region_id as region', 'groups');
  if (opts.everyone) q.select('active');
  else q.where({ active: true }).whereIn('role', ['dispatcher', 'handler', 'leader']);
  if (region) q.where({ region_id: region });
  return q;
}
