import type { Clock } from '../clock/index.ts';
import { parseIsoDuration } from '../duration/index.ts';

/** A form field as served with a task and enforced on completion. */
export interface FormField {
  id: string;
  label: string;
  type: string;
  required: boolean;
  defaultValue?: string;
  /** enum: the model's values; unit: the region's units when read, with their depth and parent in the tree. */
  values?: Array<{ id: string; name: string; depth?: number; parent?: string | null }>;
  constraints?: Record<string, string | true>;
  /** A `unit` field: the code of the unit whose sub-units it offers (`<camunda:property id="subtree" value="CODE"/>`); absent: every unit. */
  subtree?: string;
}

/** A user task that waits for a person, read from its `camunda:*` attributes. */
export interface TaskWait {
  executionId: string;
  elementId: string;
  name: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  dueAt: Date | null;
  /** The due time came from a calendar year that is not loaded (see server/sla). */
  dueProvisional: boolean;
  /** The due time was counted in working time (workdays/workhours), not natural time. */
  dueWorkingTime: boolean;
  followUpAt: Date | null;
  priority: number | null;
  form: { fields: FormField[] } | null;
}

interface WaitApi {
  id: string;
  executionId: string;
  name?: string;
  owner: { behaviour: Record<string, unknown> };
  resolveExpression(expression: string): unknown;
}

/** Reads a waiting user task's assignment, SLA and form; expressions resolve in the case's scope. */
export function readTaskWait(api: WaitApi, clock: Clock): TaskWait {
  const b = api.owner.behaviour ?? {};
  const resolve = (value: unknown): unknown =>
    typeof value === 'string' && (value.startsWith('=') || value.includes('${')) ? api.resolveExpression(value) : value;
  const due = resolve(b.dueDate);
  return {
    executionId: api.executionId,
    elementId: api.id,
    name: api.name ?? (b.name as string) ?? null,
    candidateGroups: toList(resolve(b.candidateGroups)),
    candidateUsers: toList(resolve(b.candidateUsers)),
    assignee: toText(resolve(b.assignee)),
    dueAt: toInstant(due, clock),
    // FEEL working-time functions return a Date that says how it was computed.
    dueProvisional: due instanceof Date && (due as { provisional?: unknown }).provisional === true,
    dueWorkingTime: due instanceof Date && (due as { workingTime?: unknown }).workingTime === true,
    followUpAt: toInstant(resolve(b.followUpDate), clock),
    priority: toNumber(resolve(b.priority)),
    form: readForm(b.extensionElements),
  };
}

function toList(value: unknown): string[] {
  if (value == null || value === '') return [];
  const items = Array.isArray(value) ? value : String(value).split(',');
  return [...new Set(items.map((s) => String(s).trim()).filter(Boolean))];
}

function toText(value: unknown): string | null {
  return value == null || value === '' ? null : String(value);
}

/** A priority is a whole number a PostgreSQL integer holds; anything else is no priority (never a failed intake). */
function toNumber(value: unknown): number | null {
  const n = Number(value);
  return value == null || value === '' || !Number.isInteger(n) || Math.abs(n) > 2_147_483_647 ? null : n;
}

// Instants PostgreSQL's timestamptz and every Date method take: 1970 to 9999. A due date outside is a typo, read as none.
const LAST_INSTANT = Date.UTC(9999, 11, 31);
const usable = (d: Date): Date | null => (Number.isNaN(d.getTime()) || d.getTime() < 0 || d.getTime() > LAST_INSTANT ? null : d);

/**
 * A due date is an instant (ISO date-time, or a Date from a FEEL function such as
 * `workdays(3)`) or an ISO duration counted in natural time from now, calendar
 * months as calendar months (server/duration: the parser the timers use).
 */
export function toInstant(value: unknown, clock: Clock): Date | null {
  if (value == null || value === '') return null;
  if (value instanceof Date) return usable(value);
  const text = String(value).trim();
  const duration = parseIsoDuration(text);
  if (duration) {
    // A duration past the last instant a Date can hold (P300000Y) makes piso throw: no usable due time, as for any other nonsense.
    try {
      return usable(duration.getExpireAt(clock.now()));
    } catch {
      return null;
    }
  }
  return usable(new Date(text));
}

function readForm(extensionElements: unknown): { fields: FormField[] } | null {
  const values = (extensionElements as { values?: Array<Record<string, unknown>> } | undefined)?.values ?? [];
  const formData = values.find((v) => v.$type === 'camunda:FormData') as { fields?: Array<Record<string, unknown>> } | undefined;
  if (!formData?.fields?.length) return null;
  return {
    fields: formData.fields.map((f) => {
      const constraints: Record<string, string | true> = {};
      const list = ((f.validation as { constraints?: Array<{ name: string; config?: string }> })?.constraints) ?? [];
      for (const c of list) constraints[c.name] = c.config ?? true;
      const field: FormField = {
        id: String(f.id),
        label: String(f.label ?? f.id),
        type: String(f.type ?? 'string'),
        required: 'required' in constraints,
      };
      if (f.defaultValue != null) field.defaultValue = String(f.defaultValue);
      const enumValues = (f.values as Array<{ id: string; name?: string }> | undefined) ?? [];
      if (enumValues.length) field.values = enumValues.map((v) => ({ id: String(v.id), name: String(v.name ?? v.id) }));
      // A unit field's choices come from the region's directory when the task is read, not from the model.
      const props = ((f.properties as { values?: Array<{ id?: string; value?: string }> } | undefined)?.values) ?? [];
      const subtree = props.find((p) => p.id === 'subtree')?.value;
      if (field.type === 'unit' && subtree) field.subtree = String(subtree);
      delete constraints.required;
      if (Object.keys(constraints).length) field.constraints = constraints;
      return field;
    }),
  };
}
