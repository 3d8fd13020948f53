import type { Knex } from 'knex';
import type { User } from '../auth/index.ts';
import { taskView } from '../cases/index.ts';
import { notFound } from '../errors/index.ts';
import { mayManage, mayWork } from './access.ts';
import { namesFor, unitChoices, unitFieldChoices, unitNames, withUnitChoices } from '../units/index.ts';

/** One task with its case's summary and whether this user may work it (the task page). Access was checked by the route's scope. */
export async function getTaskWithCase(knex: Knex, taskId: number, user: User) {
  const row = await knex('tasks as t').join('cases as c', 'c.id', 't.case_id').where('t.id', taskId)
    .first('t.*', 'c.case_no', 'c.title as case_title', 'c.category', 'c.urgency', 'c.status as case_status');
  if (!row) throw notFound('Task', taskId);
  const [choices, names] = await Promise.all([unitFieldChoices(knex, row.region_id, row.form?.fields), unitNames(knex, row.region_id)]);
  const may = mayWork(user, row);
  return {
    ...taskView(row),
    form: withUnitChoices(row.form, choices),
    groupNames: namesFor(names, row.candidate_groups ?? []),
    /** 二级派单: the active sub-units of the task's units, for whoever may work it (empty: no button). */
    forwardTo: (may || mayManage(user, row)) && row.status === 'open' && (row.kind ?? 'process') === 'process' ? await forwardTargets(knex, row.region_id, row.candidate_groups ?? []) : [],
    case: { id: Number(row.case_id), caseNo: row.case_no, title: row.case_title, category: row.category, urgency: row.urgency, status: row.case_status },
    mayWork: may,
  };
}

/** The sub-units a task of these units may be forwarded to (二级派单), each unit's subtree in turn. */
export async function forwardTargets(knex: Knex, region: string, groups: string[]) {
  const out: Array<{ id: string; name: string; depth: number; parent: string | null }> = [];
  for (const g of groups) for (const c of await unitChoices(knex, region, g)) if (!out.some((o) => o.id === c.id)) out.push(c);
  return out;
}
