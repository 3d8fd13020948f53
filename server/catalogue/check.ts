/**
 * The rules a catalogue must keep, whatever it came in as (JSON tree, CSV,
 * XLSX): each format turns its input into entries and maps an issue's entry
 * and field back to where a person finds it (a spreadsheet row and column, a
 * JSON path).
 */
import { MAX_DEPTH } from './tree.ts';

/** One node as a file or a JSON body gives it. */
export interface CatalogueEntry {
  code: string;
  name: string;
  parentCode: string | null;
  keywords: string[];
  defaultUnit: string | null;
  active: boolean;
}

export type EntryField = 'code' | 'name' | 'parent' | 'keywords' | 'defaultUnit' | 'active';

/** `entry` is the index in the list given, or -1 for the catalogue as a whole. */
export interface EntryIssue {
  entry: number;
  field: EntryField;
  message: string;
}

/**
 * Letters, digits and `._-`, as the standards' codes (`0101`, `A01`) and today's (`road`) are: a code
 * goes into BPMN conditions (`=category = "road"`), URLs and Open311 `service_code`.
 */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const MAX_NODES = 5000;
const MAX_NAME = 100;
const MAX_KEYWORDS = 50;
const MAX_KEYWORD = 40;
// Control characters never belong in a name; PostgreSQL refuses NUL outright.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Splits a keyword cell: `；` `;` `,` `，` `、` or line breaks between words; blanks and repeats dropped. */
export function splitKeywords(cell: string): string[] {
  return [...new Set(cell.split(/[；;,，、\r\n]+/).map((k) => k.trim()).filter(Boolean))];
}

/**
 * Every problem of `entries`, in entry order. `units`: the group codes a default unit may name.
 * `where(i)` says where entry i is, for messages that point at another entry (a repeated code).
 */
export function checkEntries(entries: CatalogueEntry[], units: ReadonlySet<string>, where: (entry: number) => string): EntryIssue[] {
  const issues: EntryIssue[] = [];
  const add = (entry: number, field: EntryField, message: string) => issues.push({ entry, field, message });
  if (!entries.length) add(-1, 'code', 'The catalogue has no nodes.');
  if (entries.length > MAX_NODES) add(-1, 'code', `The catalogue has ${entries.length} nodes; at most ${MAX_NODES} are allowed.`);
  const first = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!e.code) add(i, 'code', 'The code is empty.');
    else if (!CODE_PATTERN.test(e.code)) add(i, 'code', `The code "${e.code}" is not 1–40 letters, digits, ".", "_" or "-" (starting with a letter or digit).`);
    else if (first.has(e.code)) add(i, 'code', `The code ${e.code} is already used ${where(first.get(e.code)!)}.`);
    else first.set(e.code, i);
    if (!e.name.trim()) add(i, 'name', 'The name is empty.');
    else if (e.name.length > MAX_NAME) add(i, 'name', `The name is ${e.name.length} characters long; at most ${MAX_NAME} are allowed.`);
    else if (CONTROL.test(e.name)) add(i, 'name', 'The name contains a control character.');
    if (e.keywords.length > MAX_KEYWORDS) add(i, 'keywords', `${e.keywords.length} keywords; at most ${MAX_KEYWORDS} are allowed.`);
    const long = e.keywords.find((k) => k.length > MAX_KEYWORD || CONTROL.test(k));
    if (long) add(i, 'keywords', `The keyword "${long.slice(0, MAX_KEYWORD)}…" is longer than ${MAX_KEYWORD} characters or contains a control character.`);
    if (e.defaultUnit && !units.has(e.defaultUnit)) add(i, 'defaultUnit', `No unit (group) ${e.defaultUnit} in this region.`);
  });
  // Parents: known, and no loop (a flat file could make one; a tree cannot).
  entries.forEach((e, i) => {
    if (e.parentCode === null || !e.code) return;
    if (e.parentCode === e.code) return add(i, 'parent', `The node ${e.code} is its own parent.`);
    if (!first.has(e.parentCode)) return add(i, 'parent', `The parent ${e.parentCode} is not in the catalogue.`);
    let depth = 1;
    const seen = new Set([e.code]);
    for (let at: string | null = e.parentCode; at !== null; at = entries[first.get(at)!]?.parentCode ?? null) {
      if (seen.has(at)) return add(i, 'parent', `The parents of ${e.code} go round in a loop.`);
      if (!first.has(at)) return; // reported on its own row
      seen.add(at);
      depth += 1;
    }
    if (depth > MAX_DEPTH) add(i, 'parent', `The node ${e.code} is ${depth} levels deep; at most ${MAX_DEPTH} are allowed.`);
  });
  return issues;
}
