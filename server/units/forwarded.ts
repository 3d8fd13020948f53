/**
 * The groups a new task is offered to once the case was forwarded: each parent unit is
 * replaced by the sub-unit it forwarded to, following a chain (镇 → 社区 → 物业) to its end.
 */
export function forwardedGroups(groups: string[], forwarded: Record<string, string> | null | undefined): string[] {
  if (!forwarded || !Object.keys(forwarded).length) return groups;
  const out = groups.map((g) => {
    const seen = new Set<string>([g]);
    let at = g;
    while (forwarded[at] && !seen.has(forwarded[at]!)) {
      at = forwarded[at]!;
      seen.add(at);
    }
    return at;
  });
  return [...new Set(out)];
}

/**
 * The unit that handles a case now: the dispatched unit (`variables.department`), or the
 * sub-unit it was forwarded to (二级派单). Breach records blame it, and citizens see its public name.
 */
export function handlingUnit(department: string | null | undefined, forwarded: Record<string, string> | null | undefined): string | null {
  return department ? forwardedGroups([department], forwarded)[0]! : null;
}

/**
 * `handlingUnit` in SQL, for queries that join the unit (`c` the case): three hops of
 * 二级派单 cover a four-level tree (旗县单位 → 镇 → 社区 → 物业), deeper than any region's.
 */
export function handlingUnitSql(c = 'c'): string {
  const dept = `(${c}.variables->>'department')`;
  const hop = (code: string) => `(${c}.forwarded->>${code})`;
  return `coalesce(${hop(hop(hop(dept)))}, ${hop(hop(dept))}, ${hop(dept)}, ${dept})`;
}
