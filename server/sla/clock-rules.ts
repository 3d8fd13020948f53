/**
 * When the case-level clocks stop — the one place to change it.
 * - response (响应): the handling unit has signed for the case and contacted
 *   the citizen, i.e. the first task completed by a group other than the
 *   dispatch centre, the citizen or the leaders (in the shipped processes:
 *   现场核实 verify*, or the unit's own task such as veteransService);
 * - resolution (办结): the citizen has been answered — a task whose element id
 *   starts with `reply` (reply, replyInvalid, replyProperty …) completed — or
 *   the case closed.
 * A region changes both through its rules (server/rules: `responseExcludedGroups`,
 * `answerElementPrefixes`); the lists here are the fallback, equal to the default rules.
 */
const NOT_HANDLING_UNITS = ['dispatchers', 'citizen', 'leaders'];

export function respondsTo(task: { candidate_groups: string[] | null }, excluded: string[] = NOT_HANDLING_UNITS): boolean {
  const groups = task.candidate_groups ?? [];
  return groups.length > 0 && groups.some((g) => !excluded.includes(g));
}

export function answersCitizen(task: { element_id: string }, prefixes: string[] = ['reply']): boolean {
  const id = task.element_id.toLowerCase();
  return prefixes.some((p) => id.startsWith(p.toLowerCase()));
}

/**
 * No task is due after its case's deadline (by default): a task whose own
 * limit, counted when it opens, runs past the case's running resolution clock
 * is due at that clock instead — the shipped 答复 (reply, one working day)
 * opened on the deadline's afternoon would otherwise be due the next day, after
 * the case is already late. A plain switch: false keeps each task's own limit.
 * Tasks opened after the deadline (督办) keep their own limit.
 */
export const CAP_TASK_DUE_AT_CASE_DEADLINE = true;
