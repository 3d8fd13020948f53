import type { Knex } from 'knex';
import { onlyInvolvedCases, type User } from '../auth/index.ts';
import { z } from 'zod';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** `2026-03-02` (a day in the region's time zone) or an ISO date-time with its offset. */
const dayOrInstant = z
  .string()
  .max(40)
  .refine((v) => DATE_ONLY.test(v) ? !Number.isNaN(Date.parse(v)) : /T/.test(v) && !Number.isNaN(Date.parse(v)), 'a date (YYYY-MM-DD) or an ISO date-time');
const flag = z.enum(['true', 'false']).optional();

export const caseQuerySchema = z.object({
  region: z.string().max(40).optional(),
  status: z.enum(['open', 'closed', 'merged', 'incident']).optional(),
  closeKind: z.enum(['emergency', 'not_accepted', 'merged']).optional().describe('how a closed case was closed from outside its process: 转办 (emergency), 不予受理, 并单'),
  caseNo: z.string().trim().min(1).max(40).optional().describe('case number, exact or its beginning, any case'),
  category: z.string().max(40).optional().describe('a catalogue code: the leaf itself, or every case under a branch'),
  unit: z.string().max(80).optional().describe('a unit (group) code: cases one of whose tasks was offered to it'),
  urgency: z.string().max(20).optional(),
  channel: z.string().max(30).optional().describe('渠道: a channel code (the region\'s rule `channels`, or web / open311)'),
  requestType: z.string().max(30).optional().describe('诉求类型: a request type code (the region\'s rule `requestTypes`)'),
  from: dayOrInstant.optional().describe("taken in at or after; a date is the start of that day in the region's time zone"),
  to: dayOrInstant.optional().describe("taken in at or before; a date includes that whole day in the region's time zone"),
  breached: flag.describe('only cases with a breached (or now overdue) clock, case or task'),
  q: z.string().max(100).optional().describe('text in case number, title or description'),
  phone: z.string().max(30).optional().describe('exact phone number of the citizen (dispatchers only; matched by keyed hash)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseQuery = z.infer<typeof caseQuerySchema>;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (m) => `\\${m}`);

/** Text search over the joined case (alias `c`): case number, title, description; LIKE wildcards escaped. */
export function whereCaseText(builder: Knex.QueryBuilder, text: string): void {
  const like = `%${escapeLike(text)}%`;
  builder.where((w) => {
    w.whereILike('c.title', like).orWhereILike('c.description', like).orWhereILike('c.case_no', like);
  });
}

/** The region's time zone of the joined case, for day boundaries. */
const CASE_ZONE = "(select coalesce(r.time_zone, 'Asia/Shanghai') from regions r where r.id = c.region_id)";

/**
 * A case clock or task clock breached: recorded, or still running past its due
 * time — before `now`, or before the case closed — which the sweep has not yet
 * come by to record (a closed case's clocks are judged by the sweep).
 */
const BREACHED_SQL = `(exists (select 1 from sla_breaches b where b.case_id = c.id and b.kind = 'breach')
  or exists (select 1 from sla_clocks k where k.case_id = c.id and k.stopped_at is null and k.due_at < coalesce(c.closed_at, ?)))`;

/**
 * A page of cases in the caller's regions, newest first, with the total. A
 * phone search compares keyed hashes: the database never sees the number.
 * `viewer`: a handler sees only the cases one of whose tasks was offered to their units or them.
 * Date-only bounds are days of each case's own region, so "to 2026-03-02" ends
 * at midnight Beijing time, not UTC.
 */
export async function listCases(knex: Knex, regions: string[] | 'all', q: CaseQuery, opts: { now: Date; phoneHash?: string; viewer?: User }) {
  const { phoneHash, now } = opts;
  const base = knex('cases as c');
  if (opts.viewer) onlyInvolvedCases(knex, base, opts.viewer);
  if (regions !== 'all') base.whereIn('c.region_id', regions);
  if (q.region) base.where('c.region_id', q.region);
  if (q.status) base.where('c.status', q.status);
  if (q.closeKind) base.where('c.close_kind', q.closeKind);
  // Case numbers are upper case (prefix, date, sequence): a prefix LIKE on the upper-cased input.
  if (q.caseNo) base.whereRaw("c.case_no like ? escape '\\'", [`${escapeLike(q.caseNo.toUpperCase())}%`]);
  if (q.category) base.where((w) => w.where('c.category', q.category!).orWhereRaw('c.category_path @> ?::jsonb', [JSON.stringify([{ code: q.category }])]));
  if (q.unit) base.whereExists(knex('tasks as ut').whereRaw('ut.case_id = c.id').whereRaw('ut.candidate_groups @> ?::text[]', [[q.unit]]).select(knex.raw('1')));
  if (q.urgency) base.where('c.urgency', q.urgency);
  if (q.channel) base.where('c.channel', q.channel);
  if (q.requestType) base.whereRaw("c.variables->>'requestType' = ?", [q.requestType]);
  if (q.from) base.whereRaw(DATE_ONLY.test(q.from) ? `c.created_at >= (?::date)::timestamp at time zone ${CASE_ZONE}` : 'c.created_at >= ?::timestamptz', [q.from]);
  if (q.to) base.whereRaw(DATE_ONLY.test(q.to) ? `c.created_at < (?::date + 1)::timestamp at time zone ${CASE_ZONE}` : 'c.created_at <= ?::timestamptz', [q.to]);
  if (q.breached === 'true') base.whereRaw(BREACHED_SQL, [now]);
  if (q.breached === 'false') base.whereRaw(`not ${BREACHED_SQL}`, [now]);
  if (phoneHash) base.where('c.contact_phone_hash', phoneHash);
  if (q.q) whereCaseText(base, q.q);
  const [{ total }] = await base.clone().count<{ total: number }[]>('* as total');
  const rows = await base
    .clone()
    .select('c.id', 'c.case_no', 'c.region_id', 'c.status', 'c.category', 'c.category_path', 'c.urgency', 'c.title', 'c.confidential', 'c.reopen_count', 'c.leader_claimed_by', 'c.close_kind', 'c.created_at', 'c.closed_at')
    .select(knex.raw(`${BREACHED_SQL} as breached`, [now]))
    .orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(q.limit)
    .offset(q.offset);
  return {
    total: Number(total),
    limit: q.limit,
    offset: q.offset,
    items: rows.map((r: Record<string, any>) => ({
      id: Number(r.id),
      caseNo: r.case_no,
      region: r.region_id,
      status: r.status,
      category: r.category,
      categoryPath: r.category_path ?? null,
      urgency: r.urgency,
      title: r.title,
      confidential: r.confidential,
      reopenCount: r.reopen_count,
      leaderClaimedBy: r.leader_claimed_by,
      closeKind: r.close_kind,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      breached: Boolean(r.breached),
    })),
  };
}
