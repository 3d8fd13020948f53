import type { Knex } from 'knex';
import { onlyInvolvedCases, type User } from '../auth/index.ts';
import { z } from 'zod';

export const caseQuerySchema = z.object({
  region: z.string().max(40).optional(),
  status: z.enum(['open', 'closed', 'merged', 'incident']).optional(),
  category: z.string().max(40).optional(),
  urgency: z.string().max(20).optional(),
  q: z.string().max(100).optional().describe('text in case number, title or description'),
  phone: z.string().max(30).optional().describe('exact phone number of the citizen (dispatchers only; matched by keyed hash)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseQuery = z.infer<typeof caseQuerySchema>;

/** Text search over the joined case (alias `c`): case number, title, description; LIKE wildcards escaped. */
export function whereCaseText(builder: Knex.QueryBuilder, text: string): void {
  const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  builder.where((w) => {
    w.whereILike('c.title', like).orWhereILike('c.description', like).orWhereILike('c.case_no', like);
  });
}

/**
 * A page of cases in the caller's regions, newest first, with the total. A
 * phone search compares keyed hashes: the database never sees the number.
 */
/** `viewer`: a handler sees only the cases one of whose tasks was offered to their units or them. */
export async function listCases(knex: Knex, regions: string[] | 'all', q: CaseQuery, opts: { phoneHash?: string; viewer?: User } = {}) {
  const { phoneHash } = opts;
  const base = knex('cases as c');
  if (opts.viewer) onlyInvolvedCases(knex, base, opts.viewer);
  if (regions !== 'all') base.whereIn('c.region_id', regions);
  if (q.region) base.where('c.region_id', q.region);
  if (q.status) base.where('c.status', q.status);
  if (q.category) base.where('c.category', q.category);
  if (q.urgency) base.where('c.urgency', q.urgency);
  if (phoneHash) base.where('c.contact_phone_hash', phoneHash);
  if (q.q) whereCaseText(base, q.q);
  const [{ total }] = await base.clone().count<{ total: number }[]>('* as total');
  const rows = await base
    .clone()
    .select('c.id', 'c.case_no', 'c.region_id', 'c.status', 'c.category', 'c.category_path', 'c.urgency', 'c.title', 'c.confidential', 'c.reopen_count', 'c.leader_claimed_by', 'c.close_kind', 'c.created_at', 'c.closed_at')
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
    })),
  };
}
