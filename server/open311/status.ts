import { taskFamily, type PublicStep } from '../cases/index.ts';

/**
 * The statuses FixMyStreet reads from `servicerequestupdates` (perllib/Open311.pm
 * `map_state`; README "Open311"): `open` and `closed`, and the extended ones it maps
 * onto its own states. Each public step of a case moves the status; a step that
 * says nothing new (a rating, the closing after a reply) keeps the one before.
 */
export const UPDATE_STATUSES = [
  'open', 'closed', 'investigating', 'action_scheduled', 'in_progress', 'fixed',
  'not_councils_responsibility', 'duplicate', 'no_further_action', 'internal_referral',
] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** Where a case ended: a closing keeps these rather than saying plain `closed`. */
const FINAL: ReadonlySet<UpdateStatus> = new Set(['fixed', 'not_councils_responsibility', 'duplicate', 'no_further_action', 'internal_referral']);


/** The status after `step`, given the one before. */
export function statusAfter(step: Pick<PublicStep, 'key' | 'elementId'>, before: UpdateStatus): UpdateStatus {
  switch (step.key) {
    case 'received': return 'open';
    case 'signed':
    case 'done': {
      const family = taskFamily(step.elementId);
      if (family === 'dispatch') return step.key === 'done' ? 'investigating' : before;
      if (family === 'verify') return step.key === 'done' ? 'action_scheduled' : 'investigating';
      if (family === 'resolve' || family === 'veteransService') return 'in_progress';
      if (family === 'reply') return step.key === 'done' ? 'fixed' : before;
      if (family === 'replyInvalid') return step.key === 'done' ? 'not_councils_responsibility' : before;
      return before;
    }
    case 'handling':
    case 'extended':
    case 'reopened':
      return 'in_progress';
    case 'transferred': return 'internal_referral';
    case 'not_accepted': return 'not_councils_responsibility';
    case 'merged': return 'duplicate';
    case 'closed_by_staff': return 'no_further_action';
    case 'closed': return FINAL.has(before) ? before : 'closed';
    default: return before;
  }
}
