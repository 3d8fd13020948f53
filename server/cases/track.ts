import type { Knex } from 'knex';
import type { Sealer } from '../crypto/index.ts';
import { notFound } from '../errors/index.ts';
import { publicSteps } from './public-steps.ts';
import { normalCaseNo } from './case-no.ts';
import { latestCaseClock } from './running-clocks.ts';
import { handlingUnitSql } from '../units/index.ts';

export { publicSteps } from './public-steps.ts';
export type { PublicStep, PublicStepKey } from './public-steps.ts';

/** The name a citizen reads for a unit (`g`): its public name where the region set one, else its name. */
export const PUBLIC_UNIT_NAME = "coalesce(nullif(g.public_name, ''), g.name)";

/**
 * Where a case stands for its citizen: 办理中 until the reply is given, 已答复 until the
 * evaluation or closing, then 已办结 — or how it left the ordinary path (不予受理, 转办, 并单).
 * A 不予受理 is either the case-level refusal or the process's invalid path (verify said `valid: false`).
 */
export type PublicStage = 'handling' | 'replied' | 'closed' | 'not_accepted' | 'transferred' | 'merged';

export function publicStage(row: { status: string; close_kind: string | null; variables: Record<string, any> | null }): PublicStage {
  const v = row.variables ?? {};
  if (row.status === 'merged' || row.close_kind === 'merged') return 'merged';
  if (row.close_kind === 'emergency') return 'transferred';
  if (row.close_kind === 'not_accepted') return 'not_accepted';
  if (row.status === 'closed') return v.valid === false && v.replyText ? 'not_accepted' : 'closed';
  return v.replyText ? 'replied' : 'handling';
}

/**
 * Public progress of a case for whoever holds its case number and tracking
 * code: steps with dates and the reply, never names, phone numbers, internal
 * comments or who did what. A wrong code answers exactly like an unknown case.
 */
export async function publicProgress(knex: Knex, sealer: Sealer, typedCaseNo: string, code: string) {
  const caseNo = normalCaseNo(typedCaseNo);
  const row = await knex('cases as c')
    .leftJoin('groups as g', function () {
      // The unit handling it now: a 二级派单 sub-unit answers for its parent.
      this.on('g.region_id', 'c.region_id').andOn('g.code', knex.raw(handlingUnitSql('c')));
    })
    .leftJoin('sla_clocks as k', function () {
      this.on('k.case_id', 'c.id').andOnVal('k.kind', 'resolution').andOn(knex.raw(latestCaseClock('k')));
    })
    .leftJoin('cases as p', 'p.id', 'c.parent_case_id')
    .where('c.case_no', caseNo)
    .first(
      'c.id', 'c.case_no', 'c.status', 'c.category', 'c.category_path', 'c.urgency', 'c.title', 'c.variables', 'c.tracking_code_hash',
      'c.created_at', 'c.closed_at', 'c.close_kind', 'c.close_reason', 'c.reopen_count',
      knex.raw(`${PUBLIC_UNIT_NAME} as unit`), 'k.due_at as expected_at', 'k.stopped_at as expected_stopped',
      'p.case_no as parent_case_no', knex.raw("p.variables->>'replyText' as parent_reply"),
    );
  if (!row || !sealer.matches('tracking-code', code.toUpperCase(), row.tracking_code_hash)) throw notFound('Case', caseNo);
  const events = await knex('case_events').where({ case_id: row.id }).orderBy('seq').select('at', 'type', 'data');
  const steps = publicSteps(events);
  const evaluate = await knex('tasks').where({ case_id: row.id, status: 'open' }).whereRaw("'citizen' = any(candidate_groups)").first('id');
  const evaluated = await knex('tasks').where({ case_id: row.id, status: 'completed' }).whereRaw("'citizen' = any(candidate_groups)").orderBy('id', 'desc').first('outcome');
  const files = await knex('case_attachments').where({ case_id: row.id }).whereIn('purpose', ['reply', 'citizen']).orderBy('id').select('id', 'purpose', 'media_type', 'size', 'created_at');
  const photoView = (p: any) => ({ id: Number(p.id), mediaType: p.media_type, size: p.size, at: p.created_at });
  const photos = files.filter((f: any) => f.purpose === 'reply');
  const v = row.variables ?? {};
  const stage = publicStage(row);
  const refusal = row.close_kind === 'not_accepted' ? (row.close_reason ?? {}) : null;
  const replyText: string | null = v.replyText ?? (refusal?.reason ? `${refusal.reason}${refusal.legalRoute ? `（${refusal.legalRoute}）` : ''}` : null) ?? (stage === 'merged' ? row.parent_reply : null);
  const score = evaluated?.outcome?.score ?? v.score;
  return {
    caseNo: row.case_no,
    // An incident is staff's business: to the citizen the request is still being handled.
    status: row.status === 'incident' ? 'open' : row.status,
    /** Where the request stands, in the citizen's words (the page translates it). */
    stage,
    category: row.category,
    /** The category's names as at intake (public: the catalogue is). */
    categoryPath: row.category_path ?? null,
    urgency: row.urgency,
    title: row.title,
    submittedAt: row.created_at,
    closedAt: row.closed_at,
    closeKind: row.close_kind,
    reopenCount: row.reopen_count,
    /** The handling unit as the public knows it (its public name), once dispatched. */
    unit: row.unit ?? null,
    /** The case's resolution deadline while it runs. */
    expectedAt: row.expected_at && !row.closed_at ? row.expected_at : null,
    /** 并单: the request this one joined, whose reply answers it too. */
    mergedInto: row.parent_case_no ?? null,
    steps,
    /** The photos the citizen sent with the request. */
    yourPhotos: files.filter((f: any) => f.purpose === 'citizen').map(photoView),
    reply: replyText ? { text: replyText, photos: stage === 'merged' && !v.replyText ? [] : photos.map(photoView) } : null,
    evaluation: score !== undefined && !evaluate && evaluated ? { score } : null,
    canEvaluate: Boolean(evaluate) || (!evaluated && (notAcceptedEvaluable(row) || mergedAnswered(row))),
  };
}

/**
 * A refusal is answered like any reply and its citizen may rate it (12345 counts the
 * satisfaction of 不予受理 too), but neither path of the process opens an evaluation task:
 * the case-level 不予受理 closes from outside the process, the invalid path ends at once.
 */
export function notAcceptedEvaluable(row: { status: string; close_kind: string | null; variables: Record<string, any> | null }): boolean {
  return publicStage(row) === 'not_accepted';
}

/**
 * 并单: a merged case's citizen is answered by its parent's reply, and may rate it as soon as it is
 * given — the merged case has no process of its own left to open an evaluation task (issue 13).
 */
export function mergedAnswered(row: { status: string; close_kind: string | null; variables: Record<string, any> | null; parent_reply?: string | null }): boolean {
  return publicStage(row) === 'merged' && Boolean(row.parent_reply);
}

/** Finds the case behind a case number and tracking code, or 404. */
export async function caseByTrackingCode(knex: Knex, sealer: Sealer, caseNo: string, code: string): Promise<{ id: number; regionId: string }> {
  const row = await knex('cases').where({ case_no: normalCaseNo(caseNo) }).first('id', 'region_id', 'tracking_code_hash');
  if (!row || !sealer.matches('tracking-code', code.toUpperCase(), row.tracking_code_hash)) throw notFound('Case', normalCaseNo(caseNo));
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
