import { label } from '../i18n/index.ts';

/**
 * A unit's display name: the region's directory name the server sent beside the codes
 * (`groupNames`, `unitNames`), else the built-in label (citizen, demo units in English), else the code.
 */
export function unitLabel(code: string, names?: Record<string, string> | null): string {
  return names?.[code] ?? label('group', code);
}

/** The units of a task or event, by name, joined as Chinese lists are. */
export const unitList = (codes: string[] | null | undefined, names?: Record<string, string> | null): string => (codes ?? []).map((c) => unitLabel(c, names)).join('、');

/** An option label indented by tree depth (a `<select>` cannot nest deeper than one optgroup). */
export const indented = (name: string, depth = 0): string => `${'\u3000'.repeat(depth)}${depth ? '└ ' : ''}${name}`;
