import type { SessionUser } from '../../lib/session.ts';

/** The parts of a case the action panel decides on (the case page's CaseDetail has them all). */
export interface ActionCase {
  id: number;
  caseNo: string;
  region: string;
  status: string;
  leaderClaim?: { by: string; at: string } | null;
  openTasks: ActionTask[];
  /** The region's 转办 targets (its rules); the four emergency numbers when absent. */
  transferTargets?: Array<{ code: string; name: string }>;
}

export interface ActionTask {
  id: number;
  name: string | null;
  elementId: string;
  kind?: string;
  candidateGroups: string[];
  candidateUsers?: string[] | null;
  assignee: string | null;
  dueAt: string | null;
  request?: { reason?: string; requestedDue?: string; dueAt?: string; requestedBy?: string } | null;
}

export type ActionId = 'merge' | 'transfer' | 'notAccepted' | 'coHandle' | 'reopen' | 'claim' | 'supervise' | 'remind' | 'extension' | 'extensionReview';

/** Groups that steer rather than handle: their tasks are never extended (server/tasks/access.ts). */
const STEERING = ['dispatchers', 'leaders', 'citizen'];

/** A handling unit's process task the user may work: where a 延期 can be asked for. */
export const extendable = (task: ActionTask, user: SessionUser) =>
  (task.kind ?? 'process') === 'process' &&
  Boolean(task.dueAt) &&
  task.candidateGroups.length > 0 &&
  !task.candidateGroups.some((g) => STEERING.includes(g)) &&
  (task.assignee ? task.assignee === user.username : task.candidateGroups.some((g) => user.groups.includes(g)) || (task.candidateUsers ?? []).includes(user.username));

/**
 * The actions this viewer may take on the case now, in the order a 12345 desk uses them.
 * Mirrors the route table's roles (docs/ROUTES.md); the server still decides, and its
 * refusal is shown in words.
 */
export function availableActions(c: ActionCase, user: SessionUser): ActionId[] {
  const role = user.role;
  const open = c.status === 'open';
  const atUnit = c.openTasks.some((t) => (t.kind ?? 'process') === 'process');
  const out: ActionId[] = [];
  const desk = role === 'dispatcher' || role === 'admin';
  const lead = role === 'leader' || role === 'admin';
  if (open && desk) out.push('merge', 'transfer', 'notAccepted');
  if (open && (desk || lead)) out.push('coHandle');
  if (open && lead && !c.leaderClaim) out.push('claim');
  if (open && atUnit && (desk || lead)) out.push('supervise', 'remind');
  if (open && lead && c.openTasks.some((t) => t.kind === 'extension_review')) out.push('extensionReview');
  if (open && role === 'handler' && c.openTasks.some((t) => extendable(t, user))) out.push('extension');
  if (c.status === 'closed' && (desk || lead)) out.push('reopen');
  return out;
}
