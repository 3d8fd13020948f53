/**
 * Re-arming a waiting boundary timer in a saved engine state (延期, issue 13).
 * bpmn-elements keeps a started timer as message content in its broker queues
 * (`{ type: 'bpmn:TimerEventDefinition', attachedTo, timerType, timeDate,
 * expireAt, timeout }`) and, when the state is recovered, takes the earlier of
 * the saved `expireAt` and the saved `timeDate`: both must move. A timer on the
 * task that expires from its old due time up to the new one is moved to the new
 * due time: it is the "overdue" timer (the shipped 督办 on 办理, `slaDue("resolution")`
 * like the task's due date, or later than it when the task's due time was capped
 * at the case deadline), and would otherwise fire while the task is in time. A
 * timer before the old due time (a reminder) or after the new one stays.
 */

export interface Rearmed {
  /** How many saved copies of timers were moved (0: the task has no timer between the two due times). */
  moved: number;
  /** The earliest expiry among the state's waiting timers afterwards: the case's next wake-up. */
  nextExpireAt: Date | null;
}

/** Moves, in place, the timers on `elementId` that expire in [`from`, `to`) to expire at `to`. */
export function rearmBoundaryTimers(state: unknown, elementId: string, from: Date, to: Date, now: Date): Rearmed {
  let moved = 0;
  let next: number | null = null;
  const visit = (o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) return o.forEach(visit);
    const m = o as Record<string, unknown>;
    if (m.type === 'bpmn:TimerEventDefinition' && typeof m.expireAt === 'string') {
      const at = Date.parse(m.expireAt);
      if (m.attachedTo === elementId && at >= from.getTime() && at < to.getTime()) {
        m.expireAt = to.toISOString();
        if (m.timerType === 'timeDate') m.timeDate = to.toISOString();
        if (typeof m.timeout === 'number') m.timeout = to.getTime() - now.getTime();
        moved += 1;
      }
      if (m.state === 'timer') next = Math.min(next ?? Infinity, Date.parse(m.expireAt as string));
    }
    for (const v of Object.values(m)) visit(v);
  };
  visit(state);
  return { moved, nextExpireAt: next === null ? null : new Date(next) };
}
