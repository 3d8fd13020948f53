import { h } from '../../lib/dom.ts';
import { ApiError } from '../../lib/api.ts';
import { t } from '../../i18n/index.ts';

/** A labelled control; `name` is the key the submit handler reads. */
export function field(labelText: string, control: HTMLElement): HTMLElement {
  return h('label', null, labelText, control);
}

export const textArea = (name: string, required = true) => h('textarea', { name, rows: 2, required, maxlength: 1000 });

/** `datetime-local` for a due time, at least a minute from now. */
export function dueInput(name: string, required: boolean, value?: string): HTMLInputElement {
  return h('input', { name, type: 'datetime-local', required, value: value ? toLocalInput(new Date(value)) : undefined });
}

export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as an ISO instant, or undefined when empty. */
export const isoOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

/** The server's refusal in the page's words, with each named field's message. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const fields = err instanceof ApiError ? ((err.details?.fields ?? []) as Array<{ field: string; message: string }>) : [];
  return [err.message, ...fields.map((f) => `${f.field}: ${f.message}`)].join(' ');
}

/**
 * One action as a collapsible form: the summary is the button, the body its fields.
 * While the call runs the button is disabled (no double 并单); a refusal stays in the form.
 */
export function actionForm(id: string, title: string, controls: Array<HTMLElement | null>, submit: (form: HTMLFormElement) => Promise<void>, opts: { danger?: boolean; hint?: string } = {}): HTMLElement {
  const problem = h('p', { class: 'alert error', role: 'alert', hidden: true, 'data-test': 'action-error' });
  const button = h('button', { type: 'submit', class: opts.danger ? 'danger' : 'primary' }, t('actions.submit'));
  const form = h('form', { class: 'stack', 'data-test': `action-form-${id}`, novalidate: false }, opts.hint ? h('p', { class: 'muted small' }, opts.hint) : null, ...controls, problem, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    problem.hidden = true;
    button.disabled = true;
    try {
      await submit(form);
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return h('details', { class: 'case-action', 'data-action': id }, h('summary', null, title), form);
}

/** A form control's value by name (string controls only). */
export const val = (form: HTMLFormElement, name: string) => String((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
