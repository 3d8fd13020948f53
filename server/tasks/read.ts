import type { Knex } from 'knex';
import type { User } from '../auth/index.ts';
import { taskView } from '../cases/index.ts';
import { notFound } from '../errors/index.ts';
import { mayWork } from './access.ts';

/** One task with its case's summary and whether this user may work it (the task page). Access was checked by the route's scope. */
export async function getTaskWithCase(knex: Knex, taskId: number, user: User) {
  const row = await knex('tasks as t').join('cases as c', 'c.id', 't.case_id').where('t.id', taskId)
    .first('t.*', 'c.case_no', 'c.title as case_title', 'c.category', 'c.urgency', 'c.status as case_status');
  if (!row) throw notFound('Task', taskId);
  return {
    ...taskView(row),
    case: { id: Number(row.case_id), caseNo: row.case_no, title: row.case_title, category: row.category, urgency: row.urgency, status: row.case_status },
    mayWork: mayWork(user, row),
  };
}
