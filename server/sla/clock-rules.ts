/**
 * When the case-level clocks stop — the one place to change it.
 * - response (响应): the handling unit has signed for the case and contacted
 *   the citizen, i.e. the first task completed by a group other than the
 *   dispatch centre, the citizen or the leaders (in the shipped processes:
 *   现场核实 verify*, or the unit's own task such as veteransService);
 * - resolution (办结): the citizen has been answered — a task whose element id
 *   starts with `reply` (reply, replyInvalid, replyProperty …) completed — or
 *   the case closed.
 */
const NOT_HANDLING_UNITS = new Set(['dispatchers', 'citizen', 'leaders']);

export function respondsTo(task: { candidate_groups: string[] | null }): boolean {
  const groups = task.candidate_groups ?? [];
  return groups.length > 0 && groups.some((g) => !NOT_HANDLING_UNITS.has(g));
}

export function answersCitizen(task: { element_id: string }): boolean {
  return /^reply/i.test(task.element_id);
}
