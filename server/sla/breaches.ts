/**
 * The auditor's view of SLA records: breaches (超期) and warnings (催办) with
 * the task, the responsible group and user, due and actual times; and the
 * provisional due times (computed without a loaded holiday calendar).
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { formatLocal } from './local-time.ts';
import { instantParam, wherePeriod, type RegionScope } from './period.ts';

export const breachQuerySchema = z.object({
  region: z.string().max(40).optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
  group: z.string().max(60).optional(),
  category: z.string().max(40).optional(),
  kind: z.enum(['breach', 'warning']).default('breach'),
  format: z.enum(['json', 'csv']).default('json'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type BreachQuery = z.infer<typeof breachQuerySchema>;

const CLOCK_NAMES: Record<string, string> = { task: '环节时限', response: '响应时限', resolution: '办结时限' };
const KIND_NAMES: Record<string, string> = { breach: '超期', warning: '催办' };
const URGENCY_NAMES: Record<string, string> = { normal: '一般', urgent: '较急', emergency: '紧急' };

function filtered(knex: Knex, scope: RegionScope, q: BreachQuery) {
  const query = knex('sla_breaches as b').where('b.kind', q.kind);
  if (scope !== 'all') query.whereIn('b.region_id', scope);
  if (q.region) query.where('b.region_id', q.region);
  wherePeriod(query, 'b.due_at', 'b.region_id', q.from, q.to);
  if (q.group) query.where('b.responsible_group', q.group);
  if (q.category) query.where('b.category', q.category);
  return query;
}

export interface BreachItem {
  id: number;
  kind: string;
  region: string;
  caseId: number;
  caseNo: string;
  taskId: number | null;
  clock: string;
  elementId: string | null;
  taskName: string | null;
  category: string | null;
  urgency: string | null;
  group: string | null;
  groupName: string | null;
  user: string | null;
  startedAt: string;
  dueAt: string;
  recordedAt: string;
  endedAt: string | null;
  overdueMinutes: number;
  provisional: boolean;
}

/**
 * Records per week of their due time (weeks start on Monday, UTC dates, as the
 * dashboard's chart draws them), counted in the database: every record, not a page.
 */
export async function breachesPerWeek(knex: Knex, scope: RegionScope, q: BreachQuery): Promise<Array<{ week: string; count: number }>> {
  const rows = await filtered(knex, scope, q)
    .select(knex.raw(`to_char(date_trunc('week', b.due_at at time zone 'UTC'), 'YYYY-MM-DD') as week`))
    .count('* as n')
    .groupByRaw('1')
    .orderByRaw('1');
  return rows.map((r: Record<string, unknown>) => ({ week: String(r.week), count: Number(r.n) }));
}

/** One page of records (or all of them, up to `limit`, for CSV), newest due first. */
export async function listBreaches(knex: Knex, scope: RegionScope, q: BreachQuery, now: Date, opts: { all?: boolean } = {}) {
  const [{ n }] = await filtered(knex, scope, q).count<{ n: number }[]>('* as n');
  const rows = await filtered(knex, scope, q)
    .leftJoin('groups as g', (j) => j.on('g.region_id', 'b.region_id').andOn('g.code', 'b.responsible_group'))
    .select('b.*', 'g.name as group_name')
    .orderBy([{ column: 'b.due_at', order: 'desc' }, { column: 'b.id', order: 'desc' }])
    .limit(opts.all ? 100_000 : q.pageSize)
    .offset(opts.all ? 0 : (q.page - 1) * q.pageSize);
  const items: BreachItem[] = rows.map((r) => {
    const due = new Date(r.due_at);
    const until = r.ended_at ? new Date(r.ended_at) : r.kind === 'breach' ? now : new Date(r.recorded_at);
    return {
      id: Number(r.id),
      kind: r.kind,
      region: r.region_id,
      caseId: Number(r.case_id),
      caseNo: r.case_no,
      taskId: r.task_id == null ? null : Number(r.task_id),
      clock: r.clock_kind,
      elementId: r.element_id,
      taskName: r.task_name,
      category: r.category,
      urgency: r.urgency,
      group: r.responsible_group,
      groupName: r.group_name ?? null,
      user: r.responsible_user,
      startedAt: new Date(r.started_at).toISOString(),
      dueAt: due.toISOString(),
      recordedAt: new Date(r.recorded_at).toISOString(),
      endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
      overdueMinutes: Math.max(0, Math.round((until.getTime() - due.getTime()) / 60_000)),
      provisional: r.provisional,
    };
  });
  return { items, total: Number(n), page: q.page, pageSize: q.pageSize };
}

export const BREACH_CSV_HEADERS = [
  '记录编号', '类型', '区域', '工单编号', '时限类型', '环节', '环节名称', '诉求类别', '紧急程度',
  '责任单位', '责任单位代码', '责任人', '开始时间', '应完成时间', '记录时间', '实际完成时间', '超时(分钟)', '临时时限(日历未载入)',
];

/** Rows for the CSV export, times in China local time as Excel shows them. */
export function breachCsvRows(items: BreachItem[]): unknown[][] {
  const t = (iso: string | null) => (iso ? formatLocal(new Date(iso), 480) : '');
  return items.map((i) => [
    i.id, KIND_NAMES[i.kind] ?? i.kind, i.region, i.caseNo, CLOCK_NAMES[i.clock] ?? i.clock, i.elementId, i.taskName, i.category,
    URGENCY_NAMES[i.urgency ?? ''] ?? i.urgency, i.groupName ?? i.group, i.group, i.user, t(i.startedAt), t(i.dueAt), t(i.recordedAt), t(i.endedAt),
    i.overdueMinutes, i.provisional ? '是' : '否',
  ]);
}

/** Running clocks whose due time is provisional: the alert line of the auditor's view. */
export async function listProvisional(knex: Knex, scope: RegionScope, region?: string) {
  const q = knex('sla_clocks as c').join('cases as k', 'k.id', 'c.case_id').where('c.provisional', true).whereNull('c.stopped_at');
  if (scope !== 'all') q.whereIn('c.region_id', scope);
  if (region) q.where('c.region_id', region);
  const rows = await q.orderBy('c.due_at').limit(1000).select('c.id', 'c.region_id', 'c.case_id', 'k.case_no', 'c.kind', 'c.task_id', 'c.element_id', 'c.due_at');
  return rows.map((r) => ({
    clockId: Number(r.id),
    region: r.region_id,
    caseId: Number(r.case_id),
    caseNo: r.case_no,
    clock: r.kind,
    taskId: r.task_id == null ? null : Number(r.task_id),
    elementId: r.element_id,
    dueAt: new Date(r.due_at).toISOString(),
    message: `due ${formatLocal(new Date(r.due_at), 480)} falls in a year with no loaded holiday calendar: computed on weekdays (provisional)`,
  }));
}
