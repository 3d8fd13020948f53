import type { FormField } from '../engine/index.ts';

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** Names the engine uses itself; a form may not overwrite them. */
const RESERVED = new Set(['id', 'executionId', 'fields', 'content', 'properties']);

/**
 * Checks submitted values against the task's `camunda:formData` fields and
 * returns the typed values to merge into the case. Every bad field is reported.
 */
export function checkForm(
  fields: FormField[] | undefined,
  submitted: Record<string, unknown>,
  /** The region's units each `unit` field offers (form-units.ts), by field id. */
  units: ReadonlyMap<string, ReadonlyArray<{ id: string }>> = new Map(),
): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(submitted)) {
    if (RESERVED.has(key)) problems.push({ field: key, rule: 'reserved', message: `"${key}" is a reserved name.` });
  }
  if (!fields) {
    for (const [k, v] of Object.entries(submitted)) if (!RESERVED.has(k)) values[k] = v;
    return { values, problems };
  }
  const known = new Set(fields.map((f) => f.id));
  for (const key of Object.keys(submitted)) {
    if (!known.has(key) && !RESERVED.has(key)) problems.push({ field: key, rule: 'unknown', message: `This task's form has no field "${key}".` });
  }
  for (const f of fields) {
    const raw = submitted[f.id];
    if (raw === undefined || raw === null || raw === '') {
      if (f.required) problems.push({ field: f.id, rule: 'required', message: `${f.label} is required.` });
      continue;
    }
    const typed = coerce(f, raw, units.get(f.id));
    if (typed.error) {
      problems.push({ field: f.id, rule: 'type', message: `${f.label}: ${typed.error}` });
      continue;
    }
    const bad = checkConstraints(f, typed.value);
    if (bad) problems.push({ field: f.id, rule: bad.rule, message: `${f.label}: ${bad.message}` });
    else values[f.id] = typed.value;
  }
  return { values, problems };
}

function coerce(f: FormField, raw: unknown, units: ReadonlyArray<{ id: string }> = []): { value?: unknown; error?: string } {
  switch (f.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return { error: 'must be true or false' };
    case 'long': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isInteger(n) ? { value: n } : { error: 'must be a whole number' };
    }
    case 'date': {
      const d = new Date(String(raw));
      return typeof raw === 'string' && !Number.isNaN(d.getTime()) ? { value: raw } : { error: 'must be a date (YYYY-MM-DD)' };
    }
    case 'enum': {
      const ids = (f.values ?? []).map((v) => v.id);
      return ids.includes(String(raw)) ? { value: String(raw) } : { error: `must be one of ${ids.join(', ')}` };
    }
    case 'unit':
      // Read from the directory at this moment: a unit the admin added is a choice at once, a deactivated one no longer.
      return units.some((u) => u.id === String(raw)) ? { value: String(raw) } : { error: `"${String(raw)}" is not an active unit this field offers` };
    default:
      return typeof raw === 'string' ? { value: raw } : { error: 'must be text' };
  }
}

function checkConstraints(f: FormField, value: unknown): { rule: string; message: string } | null {
  const c = f.constraints ?? {};
  if (c.min !== undefined && typeof value === 'number' && value < Number(c.min)) return { rule: 'min', message: `must be at least ${c.min}` };
  if (c.max !== undefined && typeof value === 'number' && value > Number(c.max)) return { rule: 'max', message: `must be at most ${c.max}` };
  if (c.minlength !== undefined && typeof value === 'string' && value.length < Number(c.minlength)) return { rule: 'minlength', message: `needs at least ${c.minlength} characters` };
  if (c.maxlength !== undefined && typeof value === 'string' && value.length > Number(c.maxlength)) return { rule: 'maxlength', message: `allows at most ${c.maxlength} characters` };
  return null;
}
