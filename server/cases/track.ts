import type { Knex } from 'knex';
import type { Sealer } from '../crypto/index.ts';
import { notFound } from '../errors/index.ts';
import { trackingHash } from './intake.ts';

/** Timeline events a citizen may see, and how they read. Everything else stays internal. */
const PUBLIC_STEPS: Record<string, (data: Record<string, any>) => { step: string; detail?: string } | null> = {
  'case.created': () => ({ step: '已受理 received' }),
  'task.completed': (d) => (d.elementId === 'evaluate' ? { step: '已评价 evaluated' } : d.name ? { step: `${d.name} 完成 done` } : null),
  'task.claimed': (d) => (d.name ? { step: `${d.name} 已签收 signed for` } : null),
  'sla.extended': (d) => ({ step: '办理时限已延期 deadline extended', detail: d.to }),
  // Recorded by extensions approved before they went through the SLA module; chains are never rewritten.
  'task.extended': (d) => ({ step: '办理时限已延期 deadline extended', detail: d.newDue }),
  'task.returned': () => ({ step: '承办单位申请退单 returned for re-dispatch' }),
  'return.decided': (d) => ({ step: d.decision === 'redispatch' ? '已改派 re-dispatched' : '退单未通过，原单位继续办理 return refused' }),
  'case.transferred': (d) => ({ step: `已转${d.to} transferred to ${d.to}` }),
  'case.not_accepted': (d) => ({ step: '不予受理 not accepted', detail: d.legalRoute }),
  'case.merged': (d) => ({ step: '已并单 merged with another request', detail: d.parentCaseNo }),
  'case.reopened': (d) => ({ step: `重办 reopened (${d.reopenCount})` }),
  'case.leader_claimed': () => ({ step: '领导已认领 a leader took charge' }),
  'case.incident_resolved': (d) => ({ step: '已办结（系统处理） closed by staff', detail: d.reason }),
  'case.closed': () => ({ step: '已办结 closed' }),
};

/** The steps of a timeline a citizen may see, oldest first (also what Open311 clients see). */
export function publicSteps(events: Array<{ at: Date; type: string; data: Record<string, any> | null }>): Array<{ at: Date; step: string; detail?: string }> {
  const steps = [];
  for (const e of events) {
    const s = PUBLIC_STEPS[e.type]?.(e.data ?? {});
    if (s) steps.push({ at: e.at, ...s });
  }
  return steps;
}

/**
 * Public progress of a case for whoever holds its case number and tracking
 * code: steps with dates and the reply, never names, phone numbers, internal
 * comments or who did what. A wrong code answers exactly like an unknown case.
 */
export async function publicProgress(knex: Knex, sealer: Sealer, caseNo: string, code: string) {
  const row = await knex('cases').where({ case_no: caseNo }).first('id', 'case_no', 'status', 'category', 'category_path', 'urgency', 'title', 'variables', 'tracking_code_hash', 'created_at', 'closed_at', 'close_kind', 'reopen_count');
  if (!row || !sealer.matches('tracking-code', code.toUpperCase(), row.tracking_code_hash)) throw notFound('Case', caseNo);
  const events = await knex('case_events').where({ case_id: row.id }).orderBy('seq').select('at', 'type', 'data');
  const steps = publicSteps(events);
  const evaluate = await knex('tasks').where({ case_id: row.id, status: 'open' }).whereRaw("'citizen' = any(candidate_groups)").first('id');
  const files = await knex('case_attachments').where({ case_id: row.id }).whereIn('purpose', ['reply', 'citizen']).orderBy('id').select('id', 'purpose', 'media_type', 'size', 'created_at');
  const photoView = (p: any) => ({ id: Number(p.id), mediaType: p.media_type, size: p.size, at: p.created_at });
  const photos = files.filter((f: any) => f.purpose === 'reply');
  const v = row.variables ?? {};
  return {
    caseNo: row.case_no,
    // An incident is staff's business: to the citizen the request is still being handled.
    status: row.status === 'incident' ? 'open' : row.status,
    category: row.category,
    /** The category's names as at intake (public: the catalogue is). */
    categoryPath: row.category_path ?? null,
    urgency: row.urgency,
    title: row.title,
    submittedAt: row.created_at,
    closedAt: row.closed_at,
    closeKind: row.close_kind,
    reopenCount: row.reopen_count,
    steps,
    /** The photos the citizen sent with the request. */
    yourPhotos: files.filter((f: any) => f.purpose === 'citizen').map(photoView),
    reply: v.replyText ? { text: v.replyText, photos: photos.map(photoView) } : null,
    evaluation: v.score !== undefined && !evaluate ? { score: v.score } : null,
    canEvaluate: Boolean(evaluate),
  };
}

/** Finds the case behind a case number and tracking code, or 404. */
export async function caseByTrackingCode(knex: Knex, sealer: Sealer, caseNo: string, code: string): Promise<{ id: number; regionId: string }> {
  const row = await knex('cases').where({ case_no: caseNo }).first('id', 'region_id', 'tracking_code_hash');
  if (!row || !sealer.matches('tracking-code', code.toUpperCase(), row.tracking_code_hash)) throw notFound('Case', caseNo);
  return { id: Number(row.id), regionId: row.region_id };
}

/**
 * Whether a citizen may still add a photo: the case is open and holds fewer than `max` of
 * theirs. A hint before the upload is read — addAttachment checks both again under the case lock.
 */
export async function citizenPhotoRoom(knex: Knex, caseId: number, max: number): Promise<'ok' | 'case_not_open' | 'full'> {
  const row = await knex('cases').where({ id: caseId }).first('status');
  if (row?.status !== 'open') return 'case_not_open';
  const [{ n }] = await knex('case_attachments').where({ case_id: caseId, purpose: 'citizen' }).count<{ n: number }[]>('* as n');
  return Number(n) >= max ? 'full' : 'ok';
}

/** The citizen's open evaluation task of a case, or why there is none (already given, or not yet / no longer open). */
export async function citizenEvaluationTask(knex: Knex, caseId: number): Promise<{ taskId: number } | 'already_evaluated' | 'not_open'> {
  const citizen = (status: string) => knex('tasks').where({ case_id: caseId, status }).whereRaw("'citizen' = any(candidate_groups)").orderBy('id').first('id');
  const task = await citizen('open');
  if (task) return { taskId: Number(task.id) };
  return (await citizen('completed')) ? 'already_evaluated' : 'not_open';
}
