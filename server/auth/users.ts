import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError, conflict, invalid, notFound } from '../errors/index.ts';
import { hashPassword } from './password.ts';
import { ROLES } from './roles.ts';
import { recordChange } from '../admin-log/index.ts';
import { checkParent, UNIT_KINDS } from '../units/index.ts';

const code = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'lower-case letters, digits and dashes');
const password = z.string().min(10, 'at least 10 characters').max(200);

export const groupBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  parentCode: z.string().max(60).nullable().optional().describe('The unit above it in the region\'s tree (null: a top unit); absent: unchanged'),
  kind: z.enum(UNIT_KINDS).nullable().optional(),
  publicName: z.string().trim().max(100).nullable().optional().describe('What citizens read (null: the name)'),
});

export const newUserSchema = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,59}$/, 'lower-case letters, digits, dots, dashes'),
  password,
  displayName: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  region: z.string().max(40).nullable().default(null).describe('null only for admin (every region)'),
  groups: z.array(code).max(50).default([]),
});

export const userPatchSchema = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES).optional(),
  groups: z.array(code).max(50).optional(),
  active: z.boolean().optional(),
  password: password.optional(),
});

export type NewUser = z.infer<typeof newUserSchema>;
export type UserPatch = z.infer<typeof userPatchSchema>;

const userView = (r: Record<string, any>) => ({
  username: r.username, displayName: r.display_name, role: r.role, region: r.region_id, groups: r.groups, active: r.active,
});

/** Only admin spans regions; everyone else belongs to exactly one, and their groups must be units of it. */
async function checkPlacement(knex: Knex, role: string, region: string | null, groups: string[]): Promise<void> {
  if (role === 'admin' ? region !== null : region === null) {
    throw invalid('region_required', role === 'admin' ? 'An admin belongs to no region (region: null).' : 'Every user but admin belongs to one region.');
  }
  if (region && !(await knex('regions').where({ id: region }).first('id'))) throw invalid('region_unknown', `Region ${region} does not exist.`);
  if (!groups.length) return;
  const found = await knex('groups').where({ region_id: region ?? '' }).whereIn('code', groups).pluck('code');
  const missing = groups.filter((g) => !found.includes(g));
  if (missing.length) throw invalid('group_unknown', `No such unit in ${region}: ${missing.join(', ')}. Create it first (PUT /groups/:region/:code).`, { groups: missing });
}

/** Creates a staff account; the password is stored as a scrypt hash only. */
export async function createUser(knex: Knex, now: Date, input: NewUser, actor?: string) {
  await checkPlacement(knex, input.role, input.region, input.groups);
  if (await knex('users').where({ username: input.username }).first('id')) throw conflict('username_taken', `The username ${input.username} is taken.`);
  const [row] = await knex('users')
    .insert({
      username: input.username,
      password_hash: await hashPassword(input.password),
      display_name: input.displayName,
      role: input.role,
      region_id: input.region,
      groups: [...new Set(input.groups)],
      created_at: now,
    })
    .returning('*');
  const view = userView(row);
  if (actor) await recordChange(knex, { at: now, actor, regionId: input.region ?? null, entity: 'user', key: input.username, before: null, after: view });
  return view;
}

/** Changes a staff account; deactivating it or changing its password ends its logins. */
export async function updateUser(knex: Knex, username: string, patch: UserPatch, opts: { revoked?: (userId: number) => Promise<void>; actor?: string; now?: Date } = {}) {
  const row = await knex('users').where({ username }).first();
  if (!row) throw notFound('User', username);
  const role = patch.role ?? row.role;
  const groups = patch.groups ?? row.groups;
  await checkPlacement(knex, role, row.region_id, groups);
  const changes: Record<string, unknown> = {};
  if (patch.displayName !== undefined) changes.display_name = patch.displayName;
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.groups !== undefined) changes.groups = [...new Set(patch.groups)];
  if (patch.active !== undefined) changes.active = patch.active;
  if (patch.password !== undefined) changes.password_hash = await hashPassword(patch.password);
  const view = await knex.transaction(async (trx) => {
    const [updated] = Object.keys(changes).length ? await trx('users').where({ id: row.id }).update(changes).returning('*') : [row];
    if (patch.active === false || patch.password !== undefined) await trx('auth_tokens').where({ user_id: row.id }).delete();
    const after = userView(updated);
    // The change log never holds a password or its hash: only that it was reset.
    if (opts.actor) {
      await recordChange(trx, {
        at: opts.now ?? new Date(), actor: opts.actor, regionId: row.region_id, entity: 'user', key: username,
        before: userView(row), after: patch.password !== undefined ? { ...after, passwordReset: true } : after,
      });
    }
    return after;
  });
  // Nodes that remember this user's tokens forget them: a new role or groups count from the next request.
  await opts.revoked?.(Number(row.id));
  return view;
}

/**
 * Creates or changes one unit (group) of a region: what BPMN candidate groups name. Fields
 * left out stay as they are; a parent that would close a loop is refused (unit_cycle).
 */
export async function upsertGroup(knex: Knex, region: string, groupCode: string, body: z.infer<typeof groupBodySchema>, audit?: { actor: string; now: Date }) {
  code.parse(groupCode);
  if (!(await knex('regions').where({ id: region }).first('id'))) throw invalid('region_unknown', `Region ${region} does not exist.`);
  if (body.parentCode !== undefined) await checkParent(knex, region, groupCode, body.parentCode);
  const row = await knex('groups').where({ region_id: region, code: groupCode }).first();
  const view = (r: Record<string, any>) => ({ region, code: groupCode, name: r.name, parentCode: r.parent_code ?? null, kind: r.kind ?? null, publicName: r.public_name ?? null, active: r.active !== false });
  const values: Record<string, unknown> = { name: body.name };
  if (body.parentCode !== undefined) values.parent_code = body.parentCode;
  if (body.kind !== undefined) values.kind = body.kind;
  if (body.publicName !== undefined) values.public_name = body.publicName || null;
  const [saved] = await knex('groups').insert({ region_id: region, code: groupCode, ...values }).onConflict(['region_id', 'code']).merge(Object.keys(values)).returning('*');
  const before = row ? view(row) : null;
  const after = view(saved);
  if (audit && JSON.stringify(before) !== JSON.stringify(after)) {
    await recordChange(knex, { at: audit.now, actor: audit.actor, regionId: region, entity: 'group', key: groupCode, before, after });
  }
  return after;
}

/**
 * A production start seeds nothing, so the first administrator comes from
 * BANGNI_ADMIN_PASSWORD: created once, when no account named `admin` exists.
 */
export async function bootstrapAdmin(knex: Knex, now: Date, adminPassword: string): Promise<boolean> {
  if (adminPassword.length < 12) throw new AppError('admin_password_weak', 'BANGNI_ADMIN_PASSWORD must have at least 12 characters.', { status: 500 });
  if (await knex('users').where({ username: 'admin' }).first('id')) return false;
  // Two nodes may both have seen no admin: the loser inserts nothing instead of failing its start.
  const inserted = await knex('users')
    .insert({ username: 'admin', password_hash: await hashPassword(adminPassword), display_name: '系统管理员', role: 'admin', region_id: null, groups: [], created_at: now })
    .onConflict('username')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}
