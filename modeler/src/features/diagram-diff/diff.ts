/**
 * Compares two parsed BPMN models element by element (by id): added, removed, changed.
 * "Changed" means any semantic attribute differs — name, condition, camunda:* attributes,
 * form fields, timer definitions, flow ends — not the layout (DI), which moves on every edit.
 */
export interface DiagramDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

type Bo = { id?: string; $type: string; [k: string]: unknown };

/** Skipped when signing an element: back-links, children (diffed on their own) and layout. */
const SKIP = new Set(['$parent', 'di', 'flowElements', 'artifacts', 'laneSets', 'incoming', 'outgoing', 'lanes', '$descriptor', '$model', 'attachers', 'boundaryEvents']);

/** Properties that point at another element rather than contain one. */
const REFS = new Set(['sourceRef', 'targetRef', 'default', 'attachedToRef', 'processRef', 'messageRef', 'signalRef', 'errorRef', 'escalationRef', 'dataObjectRef', 'categoryValueRef', 'bpmnElement']);

export function collectElements(definitions: Bo): Map<string, Bo> {
  const out = new Map<string, Bo>();
  const walk = (bo: Bo) => {
    if (bo.id && /^bpmn:/.test(bo.$type) && bo.$type !== 'bpmn:Definitions') out.set(bo.id, bo);
    for (const key of ['rootElements', 'flowElements', 'artifacts', 'participants'] as const) {
      for (const child of (bo[key] as Bo[] | undefined) ?? []) walk(child);
    }
  };
  walk(definitions);
  return out;
}

/** A stable text of an element's semantic content; references become ids. */
export function signature(bo: Bo, depth = 0): unknown {
  if (depth > 8) return null;
  const out: Record<string, unknown> = { $type: bo.$type };
  for (const [k, v] of Object.entries(bo).sort(([a], [b]) => a.localeCompare(b))) {
    if (SKIP.has(k) || v === undefined) continue;
    if (k === '$attrs') {
      out[k] = { ...(v as object) };
      continue;
    }
    if (k.startsWith('$')) continue;
    out[k] = value(k, v, depth);
  }
  return out;
}

function value(key: string, v: unknown, depth: number): unknown {
  if (Array.isArray(v)) return v.map((x) => value(key, x, depth));
  if (v && typeof v === 'object' && '$type' in (v as object)) {
    const bo = v as Bo;
    // A reference to another element: compare its id only (its own content is diffed on its own).
    if (REFS.has(key)) return `#${bo.id}`;
    return signature(bo, depth + 1);
  }
  return v;
}

export function diffModels(before: Bo, after: Bo): DiagramDiff {
  const a = collectElements(before);
  const b = collectElements(after);
  const diff: DiagramDiff = { added: [], removed: [], changed: [] };
  for (const id of b.keys()) if (!a.has(id)) diff.added.push(id);
  for (const id of a.keys()) if (!b.has(id)) diff.removed.push(id);
  for (const [id, bo] of b) {
    const old = a.get(id);
    if (old && JSON.stringify(signature(old)) !== JSON.stringify(signature(bo))) diff.changed.push(id);
  }
  return diff;
}
