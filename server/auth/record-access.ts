import type { Knex } from 'knex';
import type { User } from './roles.ts';

/**
 * Which tasks a handler may see: offered to one of their groups or to them by
 * name, or held or completed by them. Dispatchers, leaders and auditors see the
 * whole region; a handler sees only what their unit was given — a property
 * company does not read the city-management bureau's cases.
 */
function whereInvolves(q: Knex.QueryBuilder, user: User, alias: string): Knex.QueryBuilder {
  return q.where((w) => {
    w.where(`${alias}.assignee`, user.username)
      .orWhere(`${alias}.completed_by`, user.username)
      .orWhereRaw(`? = any(${alias}.candidate_users)`, [user.username]);
    if (user.groups.length) w.orWhereRaw(`${alias}.candidate_groups && ?::text[]`, [user.groups]);
  });
}

/**
 * A unit that forwarded the case to a sub-unit (二级派单, `cases.forwarded` keys) keeps reading
 * it: it answers for its sub-units. The function form of jsonb's `?|` (no `?` for knex to bind).
 */
const forwardedByGroups = (user: User, alias: string) => [`jsonb_exists_any(${alias}.forwarded, ?::text[])`, [user.groups]] as const;

/** The region of a case, and whether the user (a handler) is involved in one of its tasks. */
export async function caseAccess(knex: Knex, caseId: number, user: User): Promise<{ regionId: string; involved: boolean } | null> {
  const row = await knex('cases').where({ id: caseId }).first('region_id', 'forwarded');
  if (!row) return null;
  if (user.role !== 'handler') return { regionId: row.region_id, involved: true };
  if (user.groups.some((g) => row.forwarded?.[g])) return { regionId: row.region_id, involved: true };
  const task = await whereInvolves(knex('tasks as t').where('t.case_id', caseId), user, 't').first('t.id');
  return { regionId: row.region_id, involved: Boolean(task) };
}

/** The region of a task, and whether the user (a handler) is offered it, worked on it, or their unit forwarded its case. */
export async function taskAccess(knex: Knex, taskId: number, user: User): Promise<{ regionId: string; involved: boolean } | null> {
  const row = await knex('tasks as t').join('cases as c', 'c.id', 't.case_id').where('t.id', taskId).first('t.region_id', 'c.forwarded');
  if (!row) return null;
  if (user.role !== 'handler') return { regionId: row.region_id, involved: true };
  if (user.groups.some((g) => row.forwarded?.[g])) return { regionId: row.region_id, involved: true };
  const task = await whereInvolves(knex('tasks as t').where('t.id', taskId), user, 't').first('t.id');
  return { regionId: row.region_id, involved: Boolean(task) };
}

/** Narrows a case query (`cases as c`) to the cases a handler is involved in; other roles unchanged. */
export function onlyInvolvedCases(knex: Knex, q: Knex.QueryBuilder, user: User): Knex.QueryBuilder {
  if (user.role !== 'handler') return q;
  return q.where((w) => {
    w.whereExists(whereInvolves(knex('tasks as it').whereRaw('it.case_id = c.id'), user, 'it').select(knex.raw('1')));
    if (user.groups.length) w.orWhereRaw(...forwardedByGroups(user, 'c'));
  });
}
