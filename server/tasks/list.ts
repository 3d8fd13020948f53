import type { Knex } from 'knex';
import { z } from 'zod';
import { taskView, whereCaseText } from '../cases/index.ts';
import { taskGroupNames } from '../units/index.ts';

export const taskQuerySchema = z.object({
  region: z.string().max(40).optional(),
  status: z.enum(['open', 'completed', 'cancelled']).default('open'),
  caseId: z.coerce.number().int().positive().optional(),
  group: z.string().max(80).optional(),
  assignee: z.string().max(80).optional().describe('a username, or "me"'),
  mine: z.enum(['true', 'false']).optional().describe('only tasks assigned to me'),
  myGroups: z.enum(['true', 'false']).optional().describe('only tasks offered to my groups (or to me)'),
  kind: z.enum(['process', 'cohandle', 'return_review', 'extension_review']).optional(),
  unassigned: z.enum(['true', 'false']).optional(),
  overdue: z.enum(['true', 'false']).optional().describe('只看超期: tasks past their own due time, or whose case is past its response or resolution deadline'),
  dueBefore: z.coerce.date().optional(),
  category: z.string().max(40).optional(),
  urgency: z.string().max(20).optional(),
  q: z.string().max(100).optional().describe('text in case number, title or description'),
  sort: z.enum(['due', '-due', 'created', '-created', 'priority', '-priority']).default('due'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type TaskQuery = z.infer<typeof taskQuerySchema>;

/** Restrictions the caller's role and region impose; applied to every task query. */
export interface TaskScope {
  regions: string[] | 'all';
  /** When set, only tasks offered to one of these groups or to this user. */
  groupsOrUser?: { groups: string[]; user: string };
}

const SORTS: Record<string, string> = {
  due: 't.due_at asc nulls last, t.id asc',
  '-due': 't.due_at desc nulls last, t.id desc',
  created: 't.created_at asc, t.id asc',
  '-created': 't.created_at desc, t.id desc',
  priority: 't.priority desc nulls last, t.due_at asc nulls last, t.id asc',
  '-priority': 't.priority asc nulls last, t.due_at asc nulls last, t.id asc',
};

/**
 * The task's case is late: one of its case clocks (response, resolution) runs past its due time.
 * A task due later than that is still part of a late case, and 只看超期 must show it.
 */
const CASE_LATE = "exists (select 1 from sla_clocks k where k.case_id = t.case_id and k.kind <> 'task' and k.stopped_at is null and k.due_at < ?)";

/** A page of tasks with the total count, newest rules first: scope, then filters. */
export async function listTasks(knex: Knex, now: Date, scope: TaskScope, q: TaskQuery, me?: string) {
  const base = knex('tasks as t').join('cases as c', 'c.id', 't.case_id').where('t.status', q.status);
  if (scope.regions !== 'all') base.whereIn('t.region_id', scope.regions);
  if (scope.groupsOrUser) {
    const { groups, user } = scope.groupsOrUser;
    base.where((w) => {
      w.whereRaw('t.candidate_groups && ?::text[]', [groups]).orWhere('t.assignee', user).orWhereRaw('? = any(t.candidate_users)', [user]);
    });
  }
  if (q.region) base.where('t.region_id', q.region);
  if (q.caseId) base.where('t.case_id', q.caseId);
  if (q.kind) base.where('t.kind', q.kind);
  if (q.group) base.whereRaw('t.candidate_groups @> ?::text[]', [[q.group]]);
  if (q.assignee) base.where('t.assignee', q.assignee === 'me' && me ? me : q.assignee);
  if (q.unassigned === 'true') base.whereNull('t.assignee');
  if (q.overdue === 'true') base.where((w) => w.where('t.due_at', '<', now).orWhereRaw(CASE_LATE, [now]));
  if (q.dueBefore) base.where('t.due_at', '<', q.dueBefore);
  if (q.category) base.where('c.category', q.category);
  if (q.urgency) base.where('c.urgency', q.urgency);
  if (q.q) whereCaseText(base, q.q);
  const page = base
    .clone()
    .select('t.*', 'c.case_no', 'c.title as case_title', 'c.category', 'c.urgency', knex.raw(`${CASE_LATE} as case_overdue`, [now]))
    .orderByRaw(SORTS[q.sort])
    .limit(q.limit)
    .offset(q.offset);
  const count = () => base.clone().count<{ total: number }[]>('* as total').then((r) => Number(r[0].total));
  // A text search scans the region's open tasks twice (page and count): side by side, on two
  // connections, it costs one scan's time. Otherwise the page comes first, and a page that is not
  // full (and not past the end) already tells the total: no count, one trip fewer for short lists.
  const [rows, counted] = q.q ? await Promise.all([page, count()]) : [await page, null];
  const total =
    counted ??
    (rows.length > 0 && rows.length < q.limit ? q.offset + rows.length : rows.length === 0 && q.offset === 0 ? 0 : await count());
  const names = await taskGroupNames(knex, rows);
  return {
    total,
    limit: q.limit,
    offset: q.offset,
    items: rows.map((r: Record<string, unknown>) => ({
      ...taskView(r),
      groupNames: names.get(String(r.region_id)) ?? {},
      caseNo: r.case_no,
      caseTitle: r.case_title,
      category: r.category,
      urgency: r.urgency,
      overdue: r.due_at ? new Date(r.due_at as string) < now : false,
      caseOverdue: r.case_overdue === true,
    })),
  };
}
