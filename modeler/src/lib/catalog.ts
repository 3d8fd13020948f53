/**
 * Values the server's case schema accepts (server/cases/start.ts). Regions may later publish
 * their own category lists; `regionCategories` prefers that list when the API returns one.
 */
export const CATEGORIES = ['road', 'facility', 'sanitation', 'noise', 'water', 'veterans', 'consult', 'complaint', 'other'] as const;
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;

export interface Region {
  id: string;
  name: string;
  categories?: Array<string | { id: string; name?: string }>;
}

export function regionCategories(region: Region | undefined): Array<{ id: string; name?: string }> {
  const list = region?.categories;
  if (Array.isArray(list) && list.length) return list.map((c) => (typeof c === 'string' ? { id: c } : c));
  return CATEGORIES.map((id) => ({ id }));
}

/** Milliseconds before the due time from which a task counts as "nearly due". */
export const NEARLY_DUE_MS = 4 * 60 * 60 * 1000;

export function dueState(dueAt: string | null | undefined, overdue: boolean | undefined, now = Date.now()): 'overdue' | 'nearly-due' | 'ok' | 'none' {
  if (!dueAt) return 'none';
  const due = new Date(dueAt).getTime();
  if (overdue || due < now) return 'overdue';
  return due - now < NEARLY_DUE_MS ? 'nearly-due' : 'ok';
}
