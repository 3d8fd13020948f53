import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { caseByTrackingCode, publicProgress, readAttachment } from '../cases/index.ts';
import { conflict, notFound } from '../errors/index.ts';
import { completeTask } from '../tasks/index.ts';
import { idParam } from './definitions.ts';
import { routes } from './openapi.ts';

const TAGS = ['citizens'];
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

  api.get('/track/:caseNo', {
    summary: 'Public progress: steps and dates, the reply (no names, phone numbers or internal comments)',
    tags: TAGS, roles: 'public', query: codeQuery, errors: { 404: ['not_found'] },
  }, async (req, res, { query }) => {
    res.json(await publicProgress(ctx.knex, ctx.sealer, String(req.params.caseNo), query.code));
  });

  api.get('/track/:caseNo/attachments/:attachmentId', {
    summary: 'A photo sent with the reply', tags: TAGS, roles: 'public', query: codeQuery, produces: 'application/octet-stream', errors: { 404: ['not_found'] },
  }, async (req, res, { query }) => {
    const c = await caseByTrackingCode(ctx.knex, ctx.sealer, String(req.params.caseNo), query.code);
    const attachmentId = idParam(String(req.params.attachmentId));
    const a = await readAttachment(ctx.knex, c.id, attachmentId);
    // Only reply photos are public; site photos may show people and stay internal.
    if (a.purpose !== 'reply') throw notFound('Attachment', attachmentId);
    res.type(a.mediaType).set('X-Content-Type-Options', 'nosniff').send(a.data);
  });

  api.post('/track/:caseNo/evaluation', {
    summary: 'Evaluate the handling once: score 1–5 and a comment (completes the evaluation task)',
    tags: TAGS, roles: 'public', body: evaluationBody, errors: { 404: ['not_found'], 409: ['already_evaluated', 'evaluation_not_open'], 422: ['form_invalid'] },
  }, async (req, res, { body }) => {
    const c = await caseByTrackingCode(ctx.knex, ctx.sealer, String(req.params.caseNo), body.code);
    const task = await ctx.knex('tasks').where({ case_id: c.id, status: 'open' }).whereRaw("'citizen' = any(candidate_groups)").orderBy('id').first('id');
    if (!task) {
      const done = await ctx.knex('tasks').where({ case_id: c.id, status: 'completed' }).whereRaw("'citizen' = any(candidate_groups)").first('id');
      if (done) throw conflict('already_evaluated', 'This case has already been evaluated; thank you.');
      throw conflict('evaluation_not_open', 'The case cannot be evaluated now (not replied yet, or closed).');
    }
    const variables: Record<string, unknown> = { score: body.score };
    if (body.comment) variables.comment = body.comment;
    try {
      await completeTask(ctx.runtime, { taskId: Number(task.id), variables, actor: 'citizen' });
    } catch (err) {
      // Two submissions at once: the second finds the task done.
      if ((err as { code?: string }).code === 'task_not_open') throw conflict('already_evaluated', 'This case has already been evaluated; thank you.');
      throw err;
    }
    res.status(201).json({ caseNo: String(req.params.caseNo), score: body.score, thanks: true });
  });

  return r;
}
