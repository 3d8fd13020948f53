/**
 * A region's effective request catalogue (诉求分类): the `default` region's
 * nodes, with the region's own rows laid over them by code — a new code adds a
 * node (under a default node or one of its own), a default code overrides that
 * node (renamed, moved, retired), and a `hidden` row takes it and its subtree
 * out of the region. Pure: the rows come from store.ts.
 */

export const DEFAULT_REGION = 'default';

/** One row of `catalogue_nodes`. */
export interface CatalogueRow {
  region_id: string;
  code: string;
  parent_code: string | null;
  name: string;
  keywords: string[];
  default_unit: string | null;
  active: boolean;
  hidden: boolean;
  sort: number;
}

/** Where a node of the effective tree comes from. */
export type Origin = 'default' | 'override' | 'region';

export interface CatalogueNode {
  code: string;
  name: string;
  parentCode: string | null;
  keywords: string[];
  defaultUnit: string | null;
  /** Its own status: false for a retired (停用) node, which keeps its history but takes no new case. */
  active: boolean;
  /** Active, and so is every node above it. */
  usable: boolean;
  /**
   * A case may be taken in under it: usable, with no usable node below. Cases are classified
   * to the finest level the tree offers (as the standards ask); a branch whose nodes are all
   * retired becomes selectable itself.
   */
  selectable: boolean;
  origin: Origin;
  sort: number;
  depth: number;
  /** Codes and names from the top level down to this node. */
  path: Array<{ code: string; name: string }>;
  children: CatalogueNode[];
}

export interface CatalogueTree {
  region: string;
  roots: CatalogueNode[];
  byCode: Map<string, CatalogueNode>;
  /** Default codes the region hides. */
  hidden: string[];
}

/** Deeper than any classification standard goes (DB1501/T 0032 has three levels): a guard against cycles. */
export const MAX_DEPTH = 12;

/**
 * The effective tree of `region` from the default rows and the region's own
 * (pass the same rows twice, or none as `own`, for the default region). A node
 * whose parent is missing from the effective tree is not part of it; store.ts
 * refuses a default change that would leave a region's node so.
 */
export function effectiveTree(region: string, defaults: CatalogueRow[], own: CatalogueRow[]): CatalogueTree {
  const merged = new Map<string, { row: CatalogueRow; origin: Origin }>();
  for (const row of defaults) merged.set(row.code, { row, origin: 'default' });
  const hidden: string[] = [];
  if (region !== DEFAULT_REGION) {
    for (const row of own) {
      const inherited = merged.has(row.code);
      if (row.hidden) {
        if (inherited) hidden.push(row.code);
        merged.delete(row.code);
      } else {
        merged.set(row.code, { row, origin: inherited ? 'override' : 'region' });
      }
    }
  }
  const below = new Map<string | null, Array<{ row: CatalogueRow; origin: Origin }>>();
  for (const entry of merged.values()) {
    const parent = entry.row.parent_code;
    if (parent !== null && !merged.has(parent)) continue; // orphan: its parent is hidden or gone
    if (!below.has(parent)) below.set(parent, []);
    below.get(parent)!.push(entry);
  }
  // Under one parent, inherited nodes keep the default order and a region's own nodes follow them.
  const rank = (e: { row: CatalogueRow; origin: Origin }) => (e.origin === 'region' ? 1 : 0);
  const byCode = new Map<string, CatalogueNode>();
  const build = (parent: CatalogueNode | null): CatalogueNode[] => {
    if (parent && parent.depth >= MAX_DEPTH - 1) return [];
    const entries = (below.get(parent ? parent.code : null) ?? []).slice().sort((a, b) => rank(a) - rank(b) || a.row.sort - b.row.sort || a.row.code.localeCompare(b.row.code));
    return entries.map(({ row, origin }) => {
      const node: CatalogueNode = {
        code: row.code,
        name: row.name,
        parentCode: parent ? parent.code : null,
        keywords: row.keywords ?? [],
        defaultUnit: row.default_unit,
        active: row.active,
        usable: row.active && (parent ? parent.usable : true),
        selectable: false,
        origin,
        sort: row.sort,
        depth: parent ? parent.depth + 1 : 0,
        path: [...(parent ? parent.path : []), { code: row.code, name: row.name }],
        children: [],
      };
      byCode.set(node.code, node);
      node.children = build(node);
      node.selectable = node.usable && !node.children.some((c) => c.usable);
      return node;
    });
  };
  return { region, roots: build(null), byCode, hidden: hidden.sort() };
}

/** Every node, each parent before its children, siblings in order. */
export function flatten(tree: CatalogueTree): CatalogueNode[] {
  const out: CatalogueNode[] = [];
  const walk = (nodes: CatalogueNode[]) => {
    for (const n of nodes) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(tree.roots);
  return out;
}

/** The nodes a case may be taken in under now (active leaves), in tree order. */
export const selectableNodes = (tree: CatalogueTree) => flatten(tree).filter((n) => n.selectable);

/** Parent links per region (`region → code → parent`), for walking up from a case's code without the database. */
export type ParentLinks = Map<string, Map<string, string | null>>;

export function parentLinks(rows: Array<Pick<CatalogueRow, 'region_id' | 'code' | 'parent_code'>>): ParentLinks {
  const links: ParentLinks = new Map();
  for (const r of rows) {
    if (!links.has(r.region_id)) links.set(r.region_id, new Map());
    links.get(r.region_id)!.set(r.code, r.parent_code);
  }
  return links;
}

/**
 * `code` and the codes above it in `region`'s tree, nearest first (leaf → parent → … → top).
 * A region's own row decides a node's parent, else `default`'s. A code no tree knows is its own
 * one-element trail, so a limit set on exactly that code still applies.
 */
export function ancestry(links: ParentLinks, region: string, code: string): string[] {
  const own = links.get(region);
  const shared = links.get(DEFAULT_REGION);
  const trail = [code];
  let at = code;
  while (trail.length < MAX_DEPTH) {
    const parent = own?.has(at) ? own.get(at) : shared?.get(at);
    if (!parent || trail.includes(parent)) break;
    trail.push(parent);
    at = parent;
  }
  return trail;
}
