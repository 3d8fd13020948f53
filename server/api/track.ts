import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { addAttachment, caseByTrackingCode, evaluateRefusal, normalCaseNo, caseNotOpenForPhotos, citizenEvaluationTask, citizenPhotoRoom, publicProgress, readAttachment, tooManyAttachments } from '../cases/index.ts';
import { contentDisposition } from './headers.ts';
import { AppError, conflict, notFound } from '../errors/index.ts';
import { completeTask } from '../tasks/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';
import { upload } from './upload.ts';
import { clientIp } from '../throttle/index.ts';

const TAGS = ['citizens'];
/** Photos a citizen may add to one case: enough to show the problem, not a free file store. */
export const MAX_CITIZEN_ATTACHMENTS = 5;
const codeQuery = z.object({ code: z.string().trim().min(4).max(20).describe('The tracking code given at submission') });
const evaluationBody = z.object({
  code: z.string().trim().min(4).max(20),
  score: z.number().int().min(1).max(5).describe('1 very unsatisfied … 5 very satisfied'),
  comment: z.string().max(1000).optional(),
});

/** The citizen's side: progress by case number and tracking code, and the one evaluation. */
export function trackRouter(ctx: AppContext): Router {
  const r = Router();
  const api = routes(r, ctx.auth);

  // Every tracking request — lookup, photo, evaluation — counts per address and per case number,
  // before the code is checked: guessing a case's 8-character code is refused long before it could succeed.
  r.use('/track/:caseNo', async (req, _res, next) => {
    await ctx.throttle.hit('trackIp', clientIp(req));
    // Counted on the number as looked up: changing its letters' case must not buy more guesses.
    await ctx.throttle.hit('trackCase', normalCaseNo(String(req.params.caseNo)));
    next();
  });

  api.get('/track/:caseNo', {
    summary: 'Public progress: steps and dates, the reply (no names, phone numbers or internal comments)',
    tags: TAGS, roles: 'public', query: codeQuery, errors: { 404: ['not_found'], 429: ['rate_limited'] },
  }, async (req, res, { query }) => {
    res.json(await publicProgress(ctx.knex, ctx.sealer, String(req.params.caseNo), query.code));
  });

  api.get('/track/:caseNo/attachments/:attachmentId', {
    summary: 'A photo sent with the reply', tags: TAGS, roles: 'public', query: codeQuery, produces: 'application/octet-stream', errors: { 404: ['not_found'] },
  }, async (req, res, { query }) => {
    const c = await caseByTrackingCode(ctx.knex, ctx.sealer, String(req.params.caseNo), query.code);
    const attachmentId = idParam(String(req.params.attachmentId));
    const a = await readAttachment(ctx.knex, c.id, attachmentId);
    // Reply photos and the citizen's own are public; site photos may show people and stay internal.
    if (a.purpose !== 'reply' && a.purpose !== 'citizen') throw notFound('Attachment', attachmentId);
    res.type(a.mediaType).set('Content-Disposition', contentDisposition('inline', a.filename)).send(a.data);
  });

  api.post('/track/:caseNo/attachments', {
    summary: 'The citizen adds a photo of the problem (multipart field `file`, ≤10 MB; JPEG, PNG, WebP, HEIC, PDF by content; at most 5 per case)',
    tags: TAGS, roles: 'public', query: codeQuery, multipart: { file: 'file' }, status: 201,
    errors: { 404: ['not_found'], 400: ['upload_invalid', 'file_missing'], 409: ['case_not_open', 'too_many_attachments'], 413: ['attachment_too_large'], 422: ['attachment_type'] },
  }, async (req, _res, next) => {
    // The tracking code is checked before the upload is read, and the status and count too, to spare
    // reading 10 MB that would be refused: a hint only — addAttachment checks both again under the case lock.
    try {
      const code = codeQuery.parse(req.query).code;
      const c = await caseByTrackingCode(ctx.knex, ctx.sealer, String(req.params.caseNo), code);
      const room = await citizenPhotoRoom(ctx.knex, c.id, MAX_CITIZEN_ATTACHMENTS);
      if (room === 'case_not_open') throw caseNotOpenForPhotos();
      if (room === 'full') throw tooManyAttachments(MAX_CITIZEN_ATTACHMENTS);
      (req as unknown as { trackedCase: number }).trackedCase = c.id;
      next();
    } catch (err) {
      next(err);
    }
  }, upload, async (req, res) => {
    if (!req.file) throw new AppError('file_missing', 'Send the file as multipart/form-data field "file".', { status: 400 });
    const caseId = (req as unknown as { trackedCase: number }).trackedCase;
    const a = await addAttachment(ctx, caseId, 'citizen', { filename: req.file.originalname, data: req.file.buffer, purpose: 'citizen' }, { max: MAX_CITIZEN_ATTACHMENTS, onlyOpen: true });
    res.status(201).json({ id: a.id, mediaType: a.mediaType, size: a.size });
  });

  api.post('/track/:caseNo/evaluation', {
    summary: 'Evaluate the handling once: score 1–5 and a comment (completes the evaluation task)',
    tags: TAGS, roles: 'public', body: evaluationBody, errors: { 404: ['not_found'], 429: ['rate_limited'], 409: ['already_evaluated', 'evaluation_not_open'], 422: ['form_invalid'] },
  }, async (req, res, { body }) => {
    const c = await caseByTrackingCode(ctx.knex, ctx.sealer, String(req.params.caseNo), body.code);
    const task = await citizenEvaluationTask(ctx.knex, c.id);
    if (task === 'already_evaluated') throw conflict('already_evaluated', 'This case has already been evaluated; thank you.');
    const variables: { score: number; comment?: string } = { score: body.score };
    if (body.comment) variables.comment = body.comment;
    if (task === 'not_open') {
      // A 不予受理 answer is rated too, though no evaluation task was opened for it; anything else is 409.
      await evaluateRefusal(ctx, c.id, variables);
      res.status(201).json({ caseNo: normalCaseNo(String(req.params.caseNo)), score: body.score, thanks: true });
      return;
    }
    try {
      await completeTask(ctx.runtime, { taskId: task.taskId, variables, actor: 'citizen' });
    } catch (err) {
      // Two submissions at once: the second finds the task done.
      if ((err as { code?: string }).code === 'task_not_open') throw conflict('already_evaluated', 'This case has already been evaluated; thank you.');
      throw err;
    }
    res.status(201).json({ caseNo: normalCaseNo(String(req.params.caseNo)), score: body.score, thanks: true });
  });

  return r;
}
