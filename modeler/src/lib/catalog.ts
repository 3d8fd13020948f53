import { api } from './api.ts';

/**
 * The leaves of the default request catalogue (migrations/20261202100000_catalogue.ts), for the
 * filter dropdowns and as the fallback list. A region's own catalogue may have more (or hide some):
 * the citizen's form asks the server (`catalogueChoices`), and a label falls back to the code.
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

interface CatalogueNodeView {
  code: string;
  name: string;
  selectable: boolean;
  children: CatalogueNodeView[];
}

export interface CatalogueChoice {
  id: string;
  /** The names below the top level (`供暖不热`, or `城乡建设` itself for a top-level leaf). */
  name: string;
  /** The top-level name the choice is listed under. */
  group: string;
}

/** The nodes a case may be taken in under in a region (`GET /regions/:region/catalogue`, public), in tree order. */
export async function catalogueChoices(regionId: string): Promise<CatalogueChoice[]> {
  const tree = await api<{ nodes: CatalogueNodeView[] }>('GET', `/regions/${encodeURIComponent(regionId)}/catalogue`);
  const out: CatalogueChoice[] = [];
  const walk = (nodes: CatalogueNodeView[], names: string[]) => {
    for (const n of nodes) {
      const path = [...names, n.name];
      if (n.selectable) out.push({ id: n.code, name: path.slice(1).join(' / ') || n.name, group: path[0]! });
      walk(n.children ?? [], path);
    }
  };
  walk(tree.nodes ?? [], []);
  return out;
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
