/**
 * The catalogue as JSON: the tree the API answers, and the tree an
 * administrator PUTs back (the same shape; the answer's extra fields are
 * ignored on the way in, so a GET → edit → PUT round-trips).
 */
import { z } from 'zod';
import type { CatalogueEntry, EntryField, EntryIssue } from './check.ts';
import { MAX_DEPTH, type CatalogueNode, type CatalogueTree } from './tree.ts';

export interface NodeInput {
  code: string;
  name: string;
  keywords?: string[];
  defaultUnit?: string | null;
  active?: boolean;
  children?: NodeInput[];
}

// Lengths and codes are checkEntries' to judge (one list of problems for every format); this only fixes the shape.
const nodeSchema: z.ZodType<NodeInput> = z.object({
  code: z.string().max(200),
  name: z.string().max(1000),
  keywords: z.array(z.string().max(1000)).max(1000).optional(),
  defaultUnit: z.string().max(200).nullish(),
  active: z.boolean().optional(),
  get children() {
    return z.array(nodeSchema).max(5000).optional();
  },
});

/** The PUT body, parsed by the handler (any depth). */
export const catalogueBodySchema = z.object({ nodes: z.array(nodeSchema).max(5000) });

/**
 * The same body as the route documents it: one level spelled out, `children` as nodes of the
 * same shape. (A recursive schema becomes a `$ref` into `$defs`, which an OpenAPI document
 * embedding it does not have.)
 */
export const catalogueBodyDoc = z.object({
  nodes: z.array(
    z.object({
      code: z.string().describe('1–40 letters, digits, . _ -'),
      name: z.string(),
      keywords: z.array(z.string()).optional(),
      defaultUnit: z.string().nullish().describe('a unit (group) code of the region'),
      active: z.boolean().optional().describe('false: retired (停用)'),
      children: z.array(z.unknown()).optional().describe('nodes of the same shape, to any depth'),
    }),
  ),
});

/** The tree's nodes as entries, each parent before its children; `paths[i]` is where entry i is in the body. */
export function entriesFromBody(body: z.infer<typeof catalogueBodySchema>): { entries: CatalogueEntry[]; paths: string[]; tooDeep: string | null } {
  const entries: CatalogueEntry[] = [];
  const paths: string[] = [];
  let tooDeep: string | null = null;
  const walk = (nodes: NodeInput[], parent: string | null, at: string, depth: number) => {
    nodes.forEach((n, i) => {
      const path = `${at}[${i}]`;
      if (depth >= MAX_DEPTH) {
        tooDeep ??= path;
        return;
      }
      entries.push({
        code: n.code.trim(),
        name: n.name.trim(),
        parentCode: parent,
        keywords: [...new Set((n.keywords ?? []).map((k) => k.trim()).filter(Boolean))],
        defaultUnit: n.defaultUnit?.trim() || null,
        active: n.active ?? true,
      });
      paths.push(path);
      walk(n.children ?? [], n.code.trim(), `${path}.children`, depth + 1);
    });
  };
  walk(body.nodes, null, 'nodes', 0);
  return { entries, paths, tooDeep };
}

const FIELD: Record<EntryField, string> = { code: 'code', name: 'name', parent: 'code', keywords: 'keywords', defaultUnit: 'defaultUnit', active: 'active' };

/** Where a problem is in the body: `nodes[2].children[0].name`. */
export const bodyPath = (paths: string[], issue: EntryIssue) => (issue.entry < 0 ? 'nodes' : `${paths[issue.entry]}.${FIELD[issue.field]}`);

export function nodeView(n: CatalogueNode): Record<string, unknown> {
  return {
    code: n.code,
    name: n.name,
    keywords: n.keywords,
    defaultUnit: n.defaultUnit,
    active: n.active,
    selectable: n.selectable,
    origin: n.origin,
    children: n.children.map(nodeView),
  };
}

/** GET's answer: the effective tree; `hidden` lists the default codes the region leaves out. */
export function treeView(tree: CatalogueTree) {
  return { region: tree.region, nodes: tree.roots.map(nodeView), hidden: tree.hidden };
}
