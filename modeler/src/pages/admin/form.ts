import { h } from '../../lib/dom.ts';
import { ApiError } from '../../lib/api.ts';
import { showFieldErrors, type FieldProblem } from '../../lib/task-form.ts';

/**
 * One labelled control with its own error slot: `data-field` is the name the server's 422
 * `details.fields[].field` uses, so `showFormError` can put each problem beside its control.
 */
export function field(name: string, text: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    'label',
    { class: 'field', 'data-field': name },
    h('span', { class: 'field-label' }, text),
    control,
    hint ? h('span', { class: 'muted small' }, hint) : null,
    h('span', { class: 'field-error', role: 'alert' }),
  );
}

/** The form's error box: every problem no control claims, and 409s such as a taken prefix. */
export function errorSlot(): HTMLElement {
  return h('div', { class: 'alert error', role: 'alert', 'data-test': 'form-error', hidden: true });
}

/** Clears the marks a previous attempt left. */
export function clearFormError(form: HTMLElement, slot: HTMLElement): void {
  showFieldErrors(form, []);
  slot.hidden = true;
  slot.textContent = '';
}

/** Shows a failed call next to the form: field problems beside their controls, the rest in `slot`. */
export function showFormError(form: HTMLElement, slot: HTMLElement, err: unknown): void {
  const fields: FieldProblem[] = err instanceof ApiError && Array.isArray(err.details?.fields) ? err.details.fields : [];
  const rest = showFieldErrors(form, fields.map((p) => ({ ...p, field: String(p.field).split('.')[0] })));
  const unplaced = rest.map((p) => `${p.field}: ${p.message}`);
  slot.textContent = [err instanceof Error ? err.message : String(err), ...unplaced].join(' ');
  slot.hidden = false;
}

/** The text of a named control, trimmed unless `raw` (a password is taken as typed). */
export function valueOf(form: HTMLFormElement, name: string, raw = false): string {
  const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  const value = el?.value ?? '';
  return raw ? value : value.trim();
}
