import { h, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { t } from '../../i18n/index.ts';
import { clearFormError, errorSlot, field, showFormError, valueOf } from './form.ts';

/** A unit (承办单位, a BPMN candidate group) of a region. */
export interface Unit {
  region: string;
  code: string;
  name: string;
}

/**
 * The units card: the region's units and a form that adds one or renames it (PUT is an upsert
 * on region + code, so an existing code is a rename). "rename" on a row fills the form.
 */
export function unitsCard(region: string, units: Unit[], saved: () => void): HTMLElement {
  const error = errorSlot();
  const code = h('input', { name: 'code', required: true, placeholder: 'heating-company', autocapitalize: 'off' });
  const name = h('input', { name: 'name', required: true, placeholder: '热力公司' });
  const form = h(
    'form',
    { class: 'admin-form', 'data-test': 'unit-form', novalidate: true },
    field('code', t('admin.unit.code'), code, t('admin.unit.codeHint')),
    field('name', t('admin.unit.name'), name),
    h('div', { class: 'full' }, error),
    h('div', { class: 'full form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'save-unit' }, t('admin.unit.save'))),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    const c = valueOf(form, 'code');
    try {
      await api('PUT', `/groups/${encodeURIComponent(region)}/${encodeURIComponent(c)}`, { body: { name: valueOf(form, 'name') } });
      toast(t('admin.saved'));
      saved();
    } catch (err) {
      showFormError(form, error, err);
    }
  });

  return h(
    'section',
    { class: 'card', 'data-test': 'admin-units' },
    h('h2', null, t('admin.units')),
    units.length
      ? h(
          'table',
          { class: 'grid', 'data-test': 'unit-table' },
          h('thead', null, h('tr', null, [t('admin.unit.code'), t('admin.unit.name'), ''].map((c) => h('th', null, c)))),
          h(
            'tbody',
            null,
            units.map((u) =>
              h(
                'tr',
                { 'data-unit': u.code },
                h('td', { 'data-label': t('admin.unit.code') }, h('code', null, u.code)),
                h('td', { 'data-label': t('admin.unit.name') }, u.name),
                h('td', null, h('button', { type: 'button', class: 'small', 'data-action': 'rename-unit', onclick: () => ((code.value = u.code), (name.value = u.name), name.focus()) }, t('admin.unit.rename'))),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty-note' }, t('admin.unit.none')),
    form,
  );
}
