import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS } from '../auth/index.ts';
import { AppError } from '../errors/index.ts';
import {
  assignSchema, assignTask, claimTask, completeTask, extensionSchema, forwardSchema, forwardTask, getTaskWithCase, listTasks, mayWork, requestExtension, returnSchema, returnTask, taskQuerySchema, unclaimTask,
  type TaskScope,
} from '../tasks/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';

const completeBody = z.object({ variables: z.record(z.string(), z.unknown()).default({}).describe('The task form\'s values, by field id') });
const TAGS = ['tasks'];
const TASK_ERRORS = { 404: ['not_found'], 409: ['task_not_open'] };

export function tasksRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);
  /** Region first, as 404: a task of another region is not even confirmed to exist. */
  const inRegion = (req: Request, taskId: number) => (task: Record<string, any>) => auth.hideOtherRegion(req, task.region_id, 'Task', taskId);

  api.get('/tasks', {
    summary: 'Task list: filters, sort, paging with total',
    description: 'Handlers see tasks offered to their groups or to them; dispatchers and leaders every task of their region; admin all. `assignee=me` for my tasks.',
    tags: TAGS, roles: CASE_WORKERS, query: taskQuerySchema,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    const user = auth.user(req);
    const scope: TaskScope = { regions: auth.regions(req) };
    if (user.role === 'handler') scope.groupsOrUser = { groups: user.groups, user: user.username };
    if (query.mine === 'true') query.assignee = 'me';
    if (query.myGroups === 'true') scope.groupsOrUser = { groups: user.groups, user: user.username };
    res.json(await listTasks(ctx.read.reader(req), ctx.clock.now(), scope, query, user.username));
  });

  api.get('/tasks/:id', {
    summary: 'One task with its form fields (type, required, enum values, constraints) and its case summary',
    tags: TAGS, scope: 'task', roles: CASE_WORKERS, errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const id = idParam(String(req.params.id));
    res.json(await getTaskWithCase(ctx.knex, id, auth.user(req)));
  });

  api.post('/tasks/:id/claim', { summary: '签收: sign for (claim) a task', tags: TAGS, scope: 'task', roles: CASE_WORKERS, errors: { ...TASK_ERRORS, 409: ['task_not_open', 'task_already_claimed'] } }, async (req, res) => {
    const id = idParam(String(req.params.id));
    res.json(await claimTask(ctx, id, auth.user(req), inRegion(req, id)));
  });

  api.post('/tasks/:id/unclaim', { summary: 'Give a claimed task back to its groups', tags: TAGS, scope: 'task', roles: CASE_WORKERS, errors: { ...TASK_ERRORS, 409: ['task_not_open', 'task_not_claimed'] } }, async (req, res) => {
    const id = idParam(String(req.params.id));
    res.json(await unclaimTask(ctx, id, auth.user(req), inRegion(req, id)));
  });

  api.post('/tasks/:id/assign', {
    summary: 'Assign (leaders, dispatchers) or delegate (the assignee) to a user of the same region',
    tags: TAGS, scope: 'task', roles: CASE_WORKERS, body: assignSchema, errors: { ...TASK_ERRORS, 422: ['assignee_invalid'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await assignTask(ctx, id, auth.user(req), body, inRegion(req, id)));
  });

  api.post('/tasks/:id/complete', {
    summary: 'Complete a task with its form; 422 names each bad field',
    tags: TAGS, scope: 'task', roles: CASE_WORKERS, body: completeBody,
    errors: { 404: ['not_found'], 409: ['task_not_open', 'task_on_hold', 'cohandlers_pending', 'case_not_open'], 422: ['form_invalid'] },
  }, async (req, res, { body }) => {
    const taskId = idParam(String(req.params.id));
    const user = auth.user(req);
    const result = await completeTask(ctx.runtime, {
      taskId,
      variables: body.variables,
      actor: user.username,
      authorize: (task) => {
        auth.hideOtherRegion(req, task.region_id as string, 'Task', taskId);
        if (!mayWork(user, task as never)) throw new AppError('forbidden', 'This task is not offered to you or your groups.', { status: 403 });
      },
    });
    res.json(result);
  });

  api.post('/tasks/:id/return', {
    summary: '退单: return the task with a reason; the dispatchers review it (改派 or 驳回)',
    tags: TAGS, scope: 'task', roles: CASE_WORKERS, body: returnSchema, errors: { ...TASK_ERRORS, 409: ['task_not_open', 'return_not_allowed', 'return_pending'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.status(201).json(await returnTask(ctx, id, auth.user(req), body, inRegion(req, id)));
  });

  api.post('/tasks/:id/forward', {
    summary: '二级派单: pass the task to an active sub-unit of its unit; it keeps its due time and SLA clock, later steps for the unit go to the sub-unit',
    tags: TAGS, scope: 'task', roles: CASE_WORKERS, body: forwardSchema,
    errors: { 403: ['forbidden'], ...TASK_ERRORS, 409: ['task_not_open', 'forward_not_allowed', 'task_on_hold'], 422: ['unit_not_sub_unit'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.json(await forwardTask(ctx, id, auth.user(req), body, inRegion(req, id)));
  });

  api.post('/tasks/:id/extension', {
    summary: '延期: ask for a later due time before the deadline; a leader approves',
    tags: TAGS, scope: 'task', roles: CASE_WORKERS, body: extensionSchema, status: 201,
    errors: { ...TASK_ERRORS, 409: ['task_not_open', 'extension_too_late', 'extension_pending', 'extension_not_allowed'] },
  }, async (req, res, { body }) => {
    const id = idParam(String(req.params.id));
    res.status(201).json(await requestExtension(ctx, id, auth.user(req), body, inRegion(req, id)));
  });

  return r;
}
