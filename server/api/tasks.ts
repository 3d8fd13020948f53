import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { CASE_WORKERS, type User } from '../auth/index.ts';
import { AppError } from '../errors/index.ts';
import { completeTask, listTasks, taskQuerySchema, type TaskScope } from '../tasks/index.ts';
import { idParam } from './definitions.ts';

const completeBody = z.object({ variables: z.record(z.string(), z.unknown()).default({}) });

/** Whether this user may work on a task offered to these groups / this assignee. */
export function mayWork(user: User, task: { region_id: string; candidate_groups: string[]; candidate_users?: string[]; assignee: string | null }): boolean {
  if (user.role === 'admin') return true;
  if (user.regionId !== task.region_id) return false;
  if (task.assignee) return task.assignee === user.username || user.role === 'leader' || user.role === 'dispatcher';
  if ((task.candidate_users ?? []).includes(user.username)) return true;
  // Dispatchers act for citizens on the phone (e.g. record an evaluation).
  if (user.role === 'dispatcher' && task.candidate_groups.includes('citizen')) return true;
  return task.candidate_groups.some((g) => user.groups.includes(g));
}

export function tasksRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;

  r.get('/tasks', auth.require(...CASE_WORKERS), async (req, res) => {
    const q = taskQuerySchema.parse(req.query);
    if (q.region) auth.checkRegion(req, q.region);
    const user = auth.user(req);
    const scope: TaskScope = { regions: auth.regions(req) };
    if (user.role === 'handler') scope.groupsOrUser = { groups: user.groups, user: user.username };
    res.json(await listTasks(ctx.knex, ctx.clock.now(), scope, q, user.username));
  });

  r.post('/tasks/:id/complete', auth.require(...CASE_WORKERS), async (req: Request, res) => {
    const taskId = idParam(String(req.params.id));
    const body = completeBody.parse(req.body ?? {});
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

  return r;
}
