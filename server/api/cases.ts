import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS } from '../auth/index.ts';
import {
  addAttachment, addComment, attachmentFieldsSchema, caseContactRow, caseTermNames, caseQuerySchema, commentSchema, contactFor, getCaseDetail, leaderClaim, listCases, logUnmaskedView,
  mergeCase, mergeSchema, newCaseSchema, notAcceptedSchema, phoneHash, readAttachment, refuseCase, reopenCase, reopenSchema,
  submitCase, transferEmergency, transferSchema, urgeCase, urgeSchema,
} from '../cases/index.ts';
import { addCoHandlers, coHandlersSchema } from '../tasks/index.ts';
import { caseClocks } from '../sla/index.ts';
import { AppError } from '../errors/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';
import { upload } from './upload.ts';
import { contentDisposition } from './headers.ts';
import { clientIp } from '../throttle/index.ts';

const TAGS = ['cases'];
const CASE_ERRORS = { 404: ['not_found'], 409: ['case_not_open'] };
const idempotencyHeader = { name: 'Idempotency-Key', description: 'Any unique string per submission (e.g. a UUID): a retry with the same key returns the first answer, never a second case.' };
const leaderClaimBody = z.object({ note: z.string().max(500).optional() });

export function casesRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  // Citizens submit without logging in; staff (e.g. a hotline dispatcher) may submit for them.
  api.post('/cases', {
    summary: 'Submit a request (citizens anonymously, or staff for them); returns the case number and a tracking code',
    // Public, yet a logged-in caller (a hotline dispatcher taking a call) submits only into their own region.
    tags: TAGS, roles: 'public', scope: 'region', body: newCaseSchema, headers: [idempotencyHeader], status: 201,
    response: '`{id, caseNo, status, trackingCode}`; the same response again for a retried Idempotency-Key',
    errors: { 403: ['forbidden'], 422: ['idempotency_key_reused', 'region_unknown', 'channel_unknown', 'request_type_unknown'], 429: ['rate_limited'] },
  }, async (req, res, { body }) => {
    if (req.user && req.user.role !== 'admin') auth.checkRegion(req, body.region);
    // Anonymous intake only: a hotline dispatcher submits for many callers.
    if (!req.user) {
      await ctx.throttle.hit('intakeIp', clientIp(req));
      if (body.contact?.phone) await ctx.throttle.hit('intakePhone', phoneHash(ctx.sealer, body.contact.phone));
    }
    const key = req.get('idempotency-key')?.trim();
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw new AppError('validation_failed', 'Idempotency-Key must be 1–200 characters.', { status: 422, details: { fields: [{ field: 'Idempotency-Key', rule: 'length', message: '1–200 characters' }] } });
    const result = await submitCase(ctx.runtime, ctx.sealer, body, auth.actor(req), key || undefined);
    if (result.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(result.status).json(result.body);
  });

  api.get('/cases', {
    summary: 'Cases of my regions, newest first, paged with total; `phone` searches by keyed hash (dispatchers)',
    tags: TAGS, roles: [...CASE_WORKERS, 'auditor'], query: caseQuerySchema,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    const user = auth.user(req);
    if (query.phone && user.role !== 'dispatcher' && user.role !== 'admin') throw new AppError('forbidden', 'Only dispatchers search by phone number.', { status: 403 });
    res.json(await listCases(ctx.read.reader(req), auth.regions(req), query, { now: ctx.clock.now(), phoneHash: query.phone ? phoneHash(ctx.sealer, query.phone) : undefined, viewer: user }));
  });

  api.get('/cases/:id', {
    summary: 'A case with its tasks, timeline, comments, attachments, leader claim and contact (masked but for dispatchers; each unmasked view is logged)',
    // Designers too: an incident names the element their model failed at, and they need the case to see why.
    tags: TAGS, scope: 'case', roles: [...CASE_WORKERS, 'auditor', 'designer'], errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const id = idParam(String(req.params.id));
    const detail = await getCaseDetail(ctx.knex, id);
    const row = await caseContactRow(ctx.knex, id);
    const user = auth.user(req);
    const { contact, unmasked } = contactFor(user, ctx.sealer, row);
    await logUnmaskedView(ctx.knex, ctx.clock.now(), { actor: user.username, caseId: id, regionId: row.region_id, fields: unmasked, purpose: 'case detail' });
    // The server's now: the page judges "overdue" by the clock that records breaches, not the browser's.
    // The region's 转办 targets (server/rules), so the transfer form offers what the route accepts;
    // and its names for the case's urgency, channel and request type (codes a region may rename).
    const rules = ctx.rules.cached(row.region_id);
    const names = caseTermNames(rules, detail);
    res.json({ ...detail, contact, slaClocks: await caseClocks(ctx.knex, id), now: ctx.clock.now(), transferTargets: rules.transferTargets, names });
  });

  api.post('/cases/:id/comments', { summary: 'Add an internal comment', tags: TAGS, scope: 'case', roles: CASE_WORKERS, body: commentSchema, status: 201, errors: { 404: ['not_found'] } }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.status(201).json(await addComment(ctx, id, auth.actor(req), body.body));
  });

  api.post('/cases/:id/attachments', {
    summary: 'Upload a photo or PDF (multipart field `file`, ≤10 MB; JPEG, PNG, WebP, HEIC, PDF by content)',
    tags: TAGS, scope: 'case', roles: CASE_WORKERS, multipart: { file: 'file', fields: attachmentFieldsSchema }, status: 201,
    errors: { 404: ['not_found'], 400: ['upload_invalid', 'file_missing'], 413: ['attachment_too_large'], 422: ['attachment_type'] },
  }, upload, async (req, res) => {
    const id = idParam(String(req.params.id));
    if (!req.file) throw new AppError('file_missing', 'Send the file as multipart/form-data field "file".', { status: 400 });
    const fields = attachmentFieldsSchema.parse(req.body ?? {});
    res.status(201).json(await addAttachment(ctx, id, auth.actor(req), { filename: req.file.originalname, data: req.file.buffer, purpose: fields.purpose }));
  });

  api.get('/cases/:id/attachments/:attachmentId', {
    summary: 'Download an attachment', tags: TAGS, scope: 'case', roles: [...CASE_WORKERS, 'auditor'], produces: 'application/octet-stream', errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const id = idParam(String(req.params.id));
    const a = await readAttachment(ctx.knex, id, idParam(String(req.params.attachmentId)));
    res.type(a.mediaType).set('Content-Disposition', contentDisposition('inline', a.filename)).send(a.data);
  });

  api.post('/cases/:id/claim', {
    summary: '领导认领: a leader takes personal charge of the case', tags: TAGS, scope: 'case', roles: ['leader', 'admin'], body: leaderClaimBody,
    errors: { ...CASE_ERRORS, 409: ['case_not_open', 'case_already_claimed'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await leaderClaim(ctx, id, auth.actor(req), body.note));
  });

  api.post('/cases/:id/urge', {
    summary: '督办/催办: urge the unit holding the case (督办 with a due time); marks its open tasks and the timeline', tags: TAGS, scope: 'case', roles: ['leader', 'dispatcher', 'admin'], body: urgeSchema,
    errors: { 404: ['not_found'], 409: ['case_not_open', 'nothing_to_urge'], 422: ['validation_failed', 'due_in_past'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await urgeCase(ctx, id, auth.actor(req), body));
  });

  api.post('/cases/:id/co-handlers', {
    summary: '协办: open co-handling tasks for other units beside the lead unit (主办)', tags: TAGS, scope: 'case', roles: ['dispatcher', 'leader', 'admin'], body: coHandlersSchema, status: 201,
    errors: CASE_ERRORS,
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.status(201).json(await addCoHandlers(ctx, id, auth.actor(req), body));
  });

  api.post('/cases/:id/transfer', {
    summary: '转110/119/120/122: emergency transfer to a target of the region\'s rules; the case closes at once with the reason', tags: TAGS, scope: 'case', roles: ['dispatcher', 'admin'], body: transferSchema,
    errors: { ...CASE_ERRORS, 422: ['validation_failed'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await transferEmergency(ctx, id, auth.actor(req), body));
  });

  api.post('/cases/:id/not-accepted', {
    summary: '不予受理: refuse with the reason and the legal route; the case closes at once', tags: TAGS, scope: 'case', roles: ['dispatcher', 'admin'], body: notAcceptedSchema, errors: CASE_ERRORS,
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await refuseCase(ctx, id, auth.actor(req), body));
  });

  api.post('/cases/:id/merge', {
    summary: '并单: merge this duplicate into a parent case; it closes with the parent', tags: TAGS, scope: 'case', roles: ['dispatcher', 'admin'], body: mergeSchema,
    errors: { 404: ['not_found'], 409: ['case_not_open', 'parent_not_open'], 422: ['merge_into_itself', 'merge_other_region'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    await auth.checkCase(req, body.parentId);
    res.json(await mergeCase(ctx, id, auth.actor(req), body));
  });

  api.post('/cases/:id/reopen', {
    summary: '重办: reopen a closed case after an unsatisfied evaluation found reasonable (counter + 1)', tags: TAGS, scope: 'case', roles: ['dispatcher', 'leader', 'admin'], body: reopenSchema,
    errors: { 404: ['not_found'], 409: ['reopen_not_allowed'], 422: ['validation_failed'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await reopenCase(ctx.runtime, id, auth.actor(req), body, ctx.rules));
  });

  return r;
}
