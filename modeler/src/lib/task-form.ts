import { h } from './dom.ts';
import { t } from '../i18n/index.ts';
import { indented } from './units.ts';

// The field shape the server serves with a task (type-only: nothing of the server is bundled).
import type { FormField } from '../../../server/engine/task-wait.ts';

export type { FormField };

/** One bad field of a refused completion (422 `form_invalid` details). */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/**
 * Builds the controls for a task's form fields. The browser's own validation is off on purpose:
 * the server is the judge, and its 422 names each bad field, which `showFieldErrors` puts in place.
 */
export function buildFields(fields: FormField[]): HTMLElement[] {
  return fields.map((f) => {
    const c = f.constraints ?? {};
    let control: HTMLElement;
    switch (f.type) {
      case 'boolean':
        control = h(
          'div',
          { class: 'radios', role: 'radiogroup' },
          h('label', null, h('input', { type: 'radio', name: f.id, value: 'true', checked: f.defaultValue === 'true' }), t('common.yes')),
          h('label', null, h('input', { type: 'radio', name: f.id, value: 'false', checked: f.defaultValue === 'false' }), t('common.no')),
        );
        break;
      case 'enum':
        control = h(
          'select',
          { name: f.id },
          h('option', { value: '' }, t('common.choose')),
          (f.values ?? []).map((v) => h('option', { value: v.id, selected: v.id === f.defaultValue }, v.name || v.id)),
        );
        break;
      case 'unit':
        // The server sends the region's units in tree order; a sub-unit is indented under its parent.
        control = h(
          'select',
          { name: f.id, class: 'unit-select' },
          h('option', { value: '' }, t('common.choose')),
          (f.values ?? []).map((v) => h('option', { value: v.id, selected: v.id === f.defaultValue, 'data-depth': String(v.depth ?? 0) }, indented(v.name || v.id, v.depth))),
        );
        break;
      case 'long':
        control = h('input', { name: f.id, type: 'number', step: '1', min: c.min, max: c.max, value: f.defaultValue });
        break;
      case 'date':
        control = h('input', { name: f.id, type: 'date', value: f.defaultValue });
        break;
      default:
        control = h('textarea', { name: f.id, rows: 2, maxlength: c.maxlength }, f.defaultValue ?? '');
    }
    return h(
      'div',
      { class: 'field', 'data-field': f.id, 'data-type': f.type },
      h('span', { class: 'field-label' }, f.label || f.id, f.required ? h('span', { class: 'req', title: t('common.required') }, ' *') : null),
      control,
      h('div', { class: 'field-error', role: 'alert' }),
    );
  });
}

/** Typed values from the form, only for fields that were filled in. */
export function readFields(form: HTMLFormElement, fields: FormField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const data = new FormData(form);
  for (const f of fields) {
    const raw = data.get(f.id);
    if (raw === null || raw === '') continue;
    const s = String(raw);
    out[f.id] = f.type === 'boolean' ? s === 'true' : f.type === 'long' && /^-?\d+$/.test(s) ? Number(s) : s;
  }
  return out;
}

/** Shows each problem under its field; returns the problems that name no field of this form. */
/**
 * The server words a field problem in English; the stable `rule` lets the page
 * say it in the chosen language (the server's sentence is the fallback).
 */
export function problemText(p: FieldProblem, fieldType: string | null): string {
  const limit = /(-?\d+(?:\.\d+)?)/.exec(p.message)?.[1] ?? '';
  const key = p.rule === 'type' ? `form.rule.type.${fieldType ?? 'string'}` : `form.rule.${p.rule}`;
  const text = t(key, { n: limit });
  return text === key ? p.message : text;
}

export function showFieldErrors(form: HTMLElement, problems: FieldProblem[]): FieldProblem[] {
  for (const el of Array.from(form.querySelectorAll('.field'))) {
    el.classList.remove('invalid');
    el.querySelector('.field-error')!.textContent = '';
  }
  const rest: FieldProblem[] = [];
  for (const p of problems) {
    const el = form.querySelector(`.field[data-field="${CSS.escape(p.field)}"]`);
    if (!el) {
      rest.push(p);
      continue;
    }
    el.classList.add('invalid');
    const slot = el.querySelector('.field-error')!;
    slot.textContent = [slot.textContent, problemText(p, el.getAttribute('data-type'))].filter(Boolean).join(' ');
  }
  return rest;
}
