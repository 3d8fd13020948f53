import type { Knex } from 'knex';
import type { FormField } from '../engine/index.ts';
import { unitChoices, type UnitChoice } from './directory.ts';

/**
 * The choices of a form's `unit` fields, from the region's directory now (not from the
 * model): a unit the admin adds is offered without a redeploy. By field id; empty when the
 * form has no unit field (no query then).
 */
export async function unitFieldChoices(knex: Knex | Knex.Transaction, region: string, fields: FormField[] | undefined): Promise<Map<string, UnitChoice[]>> {
  const out = new Map<string, UnitChoice[]>();
  for (const f of fields ?? []) if (f.type === 'unit') out.set(f.id, await unitChoices(knex, region, f.subtree));
  return out;
}

/** The form as the task page shows it: each unit field with `values` (id, name, depth, parent) in tree order. */
export function withUnitChoices(form: { fields: FormField[] } | null | undefined, choices: Map<string, UnitChoice[]>) {
  if (!form || !choices.size) return form;
  return { ...form, fields: form.fields.map((f) => (choices.has(f.id) ? { ...f, values: choices.get(f.id)! } : f)) };
}
