/**
 * The units (candidate groups) and staff (candidate users, assignees) a model names, and
 * whether the region knows them. A misspelt unit deploys fine otherwise, and its cases then
 * wait for a group nobody is in — in Chinese the task list even shows the same label.
 *
 * Pure functions over the moddle tree and a directory of names: the server checks a deploy
 * with them and the designer's lint (modeler/src/features/server-rules) with the same code.
 */
import { problem, type Problem } from './types.ts';
import { walk } from './walk.ts';

export interface NameRef {
  elementId: string;
  kind: 'group' | 'user' | 'category';
  name: string;
  /** where the name was written: the attribute, the form field whose choices name units, or a condition */
  via: 'candidateGroups' | 'candidateUsers' | 'assignee' | 'condition' | `form field ${string}`;
}

export interface Directory {
  groups: ReadonlySet<string>;
  users: ReadonlySet<string>;
  /** codes of the region's request catalogue (retired ones too: old cases still carry them); absent: not checked */
  categories?: ReadonlySet<string>;
  /** what the region is called in messages */
  regionName?: string;
}

/** Groups that are not a unit of the region's directory but the product's own: the citizen evaluates. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set(['citizen']);

const list = (value: unknown): string[] =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];

/**
 * Every name a model's user tasks give as a fixed value. An expression `=x` that is only a
 * variable name is followed to the enum form fields called `x`: the dispatch form's choice of
 * unit is where a typo hides. A `unit` field called `x` picks from the directory, so any unit
 * is valid; only the code of its `subtree` property must be a unit. Other expressions are
 * computed at run time and are not checked.
 */
export function namesInModel(definitions: unknown): NameRef[] {
  const tasks: any[] = [];
  const enumFields = new Map<string, Array<{ elementId: string; values: string[] }>>();
  const unitFields = new Map<string, Array<{ elementId: string; subtree: string | null }>>();
  for (const { element } of walk(definitions)) {
    if (element.$type !== 'bpmn:UserTask' || typeof element.id !== 'string') continue;
    tasks.push(element);
    // The form's fields sit two levels down (extensionElements → camunda:FormData → fields).
    for (const data of element.extensionElements?.values ?? []) {
      if (data?.$type !== 'camunda:FormData') continue;
      for (const field of data.fields ?? []) {
        if (field?.type === 'unit' && typeof field.id === 'string') {
          // A unit field offers the directory's units: any of them is valid, only its subtree must exist.
          const subtree = (field.properties?.values ?? []).find((p: any) => p?.id === 'subtree')?.value;
          const known = unitFields.get(field.id) ?? [];
          known.push({ elementId: element.id, subtree: typeof subtree === 'string' && subtree ? subtree : null });
          unitFields.set(field.id, known);
          continue;
        }
        if (field?.type !== 'enum' || typeof field.id !== 'string') continue;
        const values = (field.values ?? []).map((v: any) => v?.id).filter((v: unknown): v is string => typeof v === 'string' && v !== '');
        const known = enumFields.get(field.id) ?? [];
        known.push({ elementId: element.id, values });
        enumFields.set(field.id, known);
      }
    }
  }
  const refs: NameRef[] = [];
  const seen = new Set<string>();
  const add = (ref: NameRef) => {
    const key = `${ref.elementId}\u0000${ref.kind}\u0000${ref.name}\u0000${ref.via}`;
    if (seen.has(key)) return;
    seen.add(key);
    refs.push(ref);
  };
  for (const task of tasks) {
    const attrs: Array<[NameRef['via'], NameRef['kind']]> = [['candidateGroups', 'group'], ['candidateUsers', 'user'], ['assignee', 'user']];
    for (const [attr, kind] of attrs) {
      const raw = task[attr];
      if (typeof raw !== 'string' || raw.trim() === '') continue;
      const text = raw.trim();
      if (!text.startsWith('=') && !text.includes('${')) {
        for (const name of list(text)) add({ elementId: task.id, kind, name, via: attr });
        continue;
      }
      const variable = /^=\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text)?.[1];
      for (const field of (variable && enumFields.get(variable)) || []) {
        for (const name of field.values) add({ elementId: field.elementId, kind, name, via: `form field ${variable}` });
      }

    }
  }
  for (const [id, fields] of unitFields) {
    for (const field of fields) if (field.subtree) add({ elementId: field.elementId, kind: 'group', name: field.subtree, via: `form field ${id}` });
  }
  // A condition that compares the case's category with a code: `category = "road"`, `category != "GN01"`,
  // `category in ["road", "facility"]`. A code the catalogue does not have makes the branch dead.
  for (const { element, ownerId } of walk(definitions)) {
    if (element.$type !== 'bpmn:SequenceFlow' || !ownerId) continue;
    const body = element.conditionExpression?.body;
    if (typeof body !== 'string') continue;
    for (const m of body.matchAll(/\bcategory\s*!?=\s*"([^"]*)"/g)) add({ elementId: ownerId, kind: 'category', name: m[1]!, via: 'condition' });
    for (const m of body.matchAll(/\bcategory\s+in\s*\[([^\]]*)\]/g)) {
      for (const code of m[1]!.matchAll(/"([^"]*)"/g)) add({ elementId: ownerId, kind: 'category', name: code[1]!, via: 'condition' });
    }
  }
  return refs;
}

/** One problem per name the directory does not hold, with the nearest known name as a hint. */
export function checkNames(refs: NameRef[], directory: Directory): Problem[] {
  const problems: Problem[] = [];
  const where = directory.regionName ? ` of ${directory.regionName}` : ' of this region';
  for (const ref of refs) {
    if (ref.kind === 'category') {
      if (!directory.categories || directory.categories.has(ref.name)) continue;
      const hint = nearest(ref.name, directory.categories);
      problems.push(problem(ref.elementId, 'category-unknown',
        `"${ref.name}" (condition) is not a code of the request catalogue${where}: the branch could never be taken.${hint ? ` Did you mean "${hint}"?` : ''}`));
    } else if (ref.kind === 'group') {
      if (directory.groups.has(ref.name) || BUILT_IN_GROUPS.has(ref.name)) continue;
      const hint = nearest(ref.name, directory.groups);
      problems.push(problem(ref.elementId, 'unit-unknown',
        `"${ref.name}" (${ref.via}) is not a unit${where}: cases would wait for a group nobody is in.${hint ? ` Did you mean "${hint}"?` : ''} Add the unit first, or correct the name.`));
    } else {
      if (directory.users.has(ref.name)) continue;
      const hint = nearest(ref.name, directory.users);
      problems.push(problem(ref.elementId, 'user-unknown',
        `"${ref.name}" (${ref.via}) is not an active user${where}.${hint ? ` Did you mean "${hint}"?` : ''}`));
    }
  }
  return problems;
}

/** The known name within a small edit distance (a typo), if one is clearly nearest. */
function nearest(name: string, known: ReadonlySet<string>): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = distance(name, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, stopping early once every path exceeds `cap`. */
function distance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let min = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      min = Math.min(min, row[j]!);
    }
    if (min >= cap) return cap;
    prev = row;
  }
  return prev[b.length]!;
}
