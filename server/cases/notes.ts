import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError, conflict, invalid, notFound } from '../errors/index.ts';
import { actOnCase } from './act.ts';
import { sniffFileType, ATTACHMENT_TYPES } from './file-type.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export const commentSchema = z.object({ body: z.string().trim().min(1).max(5000) });
export const attachmentFieldsSchema = z.object({
  purpose: z.enum(['site', 'reply']).default('site').describe('site: photos of the visit (internal); reply: shown to the citizen with the reply'),
});

/** An internal comment on a case (never shown on the citizen's tracking page). */
export async function addComment(rt: { knex: Knex; clock: { now(): Date } }, caseId: number, author: string, body: string) {
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    const [row] = await trx('case_comments').insert({ case_id: caseId, region_id: locked.region_id, author, body, created_at: now }).returning('*');
    events.push({ type: 'case.commented', actor: author, data: { commentId: row.id } });
    return commentView(row);
  });
}

/** Limits checked with the case locked: an upload is refused, not stored, when they fail. */
export interface AttachmentLimits {
  /** At most this many files of the same purpose on the case (the citizen's photos: 5). */
  max?: number;
  /** Only while the case is being handled (status `open`). */
  onlyOpen?: boolean;
}

export const caseNotOpenForPhotos = () => conflict('case_not_open', 'Photos can be added only while the request is being handled.');
export const tooManyAttachments = (max: number) => conflict('too_many_attachments', `At most ${max} photos can be added to one request.`, { max });

/**
 * A stored file name: the last path segment (browsers once sent `C:\fakepath\…`), NFC, without
 * control characters (a NUL is refused by PostgreSQL, a CR/LF would split a header) or bidi
 * overrides (`photo\u202Egnp.exe`), at most 200 characters — counted in code points, so a
 * character outside the BMP is never cut in half.
 */
export function cleanFilename(name: string): string {
  const last = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const clean = last.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return Array.from(clean).slice(0, 200).join('') || 'file';
}

/**
 * Stores a file with the case: type checked by its magic bytes, at most 10 MB.
 * Bytes go to PostgreSQL (bytea, in a table apart from the metadata) so they
 * are in the same backup and the same transaction as the timeline event, and
 * every node of a cluster serves them without a shared disk. `limits` are
 * checked under the case lock, so concurrent uploads cannot all pass a count
 * taken before any of them was stored.
 */
export async function addAttachment(
  rt: { knex: Knex; clock: { now(): Date } },
  caseId: number,
  actor: string,
  file: { filename: string; data: Buffer; purpose: 'site' | 'reply' | 'citizen' },
  limits: AttachmentLimits = {},
) {
  if (file.data.length > MAX_ATTACHMENT_BYTES) throw tooLarge();
  const mediaType = sniffFileType(file.data);
  if (!mediaType) {
    throw invalid('attachment_type', `Only ${ATTACHMENT_TYPES.join(', ')} files are accepted (checked by content, not by name).`);
  }
  const sha256 = createHash('sha256').update(file.data).digest('hex');
  return actOnCase(rt, caseId, async ({ trx, locked, now, events }) => {
    if (limits.onlyOpen && locked.status !== 'open') throw caseNotOpenForPhotos();
    if (limits.max !== undefined) {
      const [{ n }] = await trx('case_attachments').where({ case_id: caseId, purpose: file.purpose }).count<{ n: number | string }[]>('* as n');
      if (Number(n) >= limits.max) throw tooManyAttachments(limits.max);
    }
    const [row] = await trx('case_attachments')
      .insert({ case_id: caseId, region_id: locked.region_id, purpose: file.purpose, filename: cleanFilename(file.filename), media_type: mediaType, size: file.data.length, sha256, uploaded_by: actor, created_at: now })
      .returning('*');
    await trx('case_attachment_blobs').insert({ attachment_id: row.id, data: file.data });
    events.push({ type: 'case.attachment_added', actor, data: { attachmentId: row.id, purpose: file.purpose, mediaType, size: file.data.length, sha256 } });
    return attachmentView(row);
  });
}

export const tooLarge = () => new AppError('attachment_too_large', 'A file may be at most 10 MB.', { status: 413 });

/** One attachment's metadata and bytes. */
export async function readAttachment(knex: Knex, caseId: number, attachmentId: number) {
  const row = await knex('case_attachments as a')
    .join('case_attachment_blobs as b', 'b.attachment_id', 'a.id')
    .where({ 'a.id': attachmentId, 'a.case_id': caseId })
    .first('a.*', 'b.data');
  if (!row) throw notFound('Attachment', attachmentId);
  return { ...attachmentView(row), data: Buffer.from(row.data) };
}

export function commentView(r: Record<string, any>) {
  return { id: Number(r.id), caseId: Number(r.case_id), author: r.author, body: r.body, createdAt: r.created_at };
}

export function attachmentView(r: Record<string, any>) {
  return {
    id: Number(r.id),
    caseId: Number(r.case_id),
    purpose: r.purpose,
    filename: r.filename,
    mediaType: r.media_type,
    size: r.size,
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    createdAt: r.created_at,
  };
}
