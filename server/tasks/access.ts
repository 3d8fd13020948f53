import type { User } from '../auth/index.ts';

export interface TaskAccessRow {
  region_id: string;
  candidate_groups: string[];
  candidate_users?: string[];
  assignee: string | null;
}

/** Leaders and dispatchers steer the work of their region: assign, take back, act on any task. */
export const mayManage = (user: User, task: { region_id: string }) =>
  user.role === 'admin' || (user.regionId === task.region_id && (user.role === 'leader' || user.role === 'dispatcher'));

/** Whether this user may work on a task offered to these groups / this assignee. */
export function mayWork(user: User, task: TaskAccessRow): boolean {
  if (user.role === 'admin') return true;
  if (user.regionId !== task.region_id) return false;
  if (task.assignee) return task.assignee === user.username || user.role === 'leader' || user.role === 'dispatcher';
  if ((task.candidate_users ?? []).includes(user.username)) return true;
  // Dispatchers act for citizens on the phone (e.g. record an evaluation).
  if (user.role === 'dispatcher' && task.candidate_groups.includes('citizen')) return true;
  return task.candidate_groups.some((g) => user.groups.includes(g));
}

/**
 * Groups that are not a handling unit: their tasks are steering steps, never returned (退单) or
 * extended. A region's own list is its `steeringGroups` rule (server/rules); this is the fallback.
 */
export const STEERING_GROUPS = ['dispatchers', 'leaders', 'citizen'];

export const isUnitTask = (task: { kind?: string; candidate_groups: string[] }, steering: string[] = STEERING_GROUPS) =>
  (task.kind ?? 'process') === 'process' && task.candidate_groups.length > 0 && !task.candidate_groups.some((g) => steering.includes(g));
