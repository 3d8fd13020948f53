/**
 * The leaves of the default request catalogue (migrations/20261202100000_catalogue.ts), for the
 * task list's and audit page's filter dropdowns and the `category.*` labels of old codes. Forms
 * that take a request in (intake, the citizen's page) offer the region's own catalogue through
 * lib/category-picker.ts instead.
 */
export const CATEGORIES = ['road', 'facility', 'sanitation', 'noise', 'water', 'veterans', 'consult', 'complaint', 'other'] as const;
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;

export interface Region {
  id: string;
  name: string;
}

/** A case's category as it was taken in (`categoryPath`), else the label of its code. */
export function categoryText(path: Array<{ code: string; name: string }> | null | undefined, fallback: string): string {
  return path?.length ? path.map((p) => p.name).join(' / ') : fallback;
}

/** Milliseconds before the due time from which a task counts as "nearly due". */
export const NEARLY_DUE_MS = 4 * 60 * 60 * 1000;

export function dueState(dueAt: string | null | undefined, overdue: boolean | undefined, now = Date.now()): 'overdue' | 'nearly-due' | 'ok' | 'none' {
  if (!dueAt) return 'none';
  const due = new Date(dueAt).getTime();
  if (overdue || due < now) return 'overdue';
  return due - now < NEARLY_DUE_MS ? 'nearly-due' : 'ok';
}
