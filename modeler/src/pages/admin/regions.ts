import { h, mount, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { t } from '../../i18n/index.ts';
import { clearFormError, errorSlot, field, showFormError, valueOf } from './form.ts';

/** A region as GET /regions answers it (the server's own type). */
export type { RegionView } from '../../../../server/regions/regions.ts';
import type { RegionView } from '../../../../server/regions/regions.ts';

/**
 * The regions card: the list, and one form that creates a region or, after "edit" on a row,
 * changes that region's name, prefix, city and time zone (its id never changes).
 * `saved` runs after a successful save with the region's id.
 */
export function regionsCard(regions: RegionView[], saved: (id: string) => void): HTMLElement {
  const form = h('form', { class: 'admin-form', 'data-test': 'region-form', novalidate: true });
  const card = h(
    'section',
    { class: 'card', 'data-test': 'admin-regions' },
    h('h2', null, t('admin.regions')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid', 'data-test': 'region-table' },
        h('thead', null, h('tr', null, [t('admin.region.id'), t('admin.region.name'), t('admin.region.prefix'), t('admin.region.city'), t('admin.region.timeZone'), ''].map((c) => h('th', null, c)))),
        h(
          'tbody',
          null,
          regions.map((r) =>
            h(
              'tr',
              { 'data-region': r.id },
              h('td', { 'data-label': t('admin.region.id') }, h('code', null, r.id)),
              h('td', { 'data-label': t('admin.region.name') }, r.name),
              h('td', { 'data-label': t('admin.region.prefix') }, r.casePrefix),
              h('td', { 'data-label': t('admin.region.city') }, r.parentCity ?? '—'),
              h('td', { 'data-label': t('admin.region.timeZone') }, r.timeZone),
              h('td', null, h('button', { type: 'button', class: 'small', 'data-action': 'edit-region', onclick: () => fill(r) }, t('admin.edit'))),
            ),
          ),
        ),
      ),
    ),
    form,
  );

  function fill(editing: RegionView | null) {
    const error = errorSlot();
    mount(
      form,
      h('h3', { class: 'full' }, editing ? t('admin.region.editTitle', { name: editing.name }) : t('admin.region.newTitle')),
      field('id', t('admin.region.id'), h('input', { name: 'id', value: editing?.id ?? '', readonly: Boolean(editing), required: true, placeholder: 'keyouqian', autocapitalize: 'off' }), editing ? undefined : t('admin.region.idHint')),
      field('name', t('admin.region.name'), h('input', { name: 'name', value: editing?.name ?? '', required: true, placeholder: '科尔沁右翼前旗' })),
      field('casePrefix', t('admin.region.prefix'), h('input', { name: 'casePrefix', value: editing?.casePrefix ?? '', required: true, placeholder: 'KQ', maxlength: 4, autocapitalize: 'characters' })),
      field('parentCity', t('admin.region.city'), h('input', { name: 'parentCity', value: editing?.parentCity ?? '', placeholder: '兴安盟' })),
      field('timeZone', t('admin.region.timeZone'), h('input', { name: 'timeZone', value: editing?.timeZone ?? 'Asia/Shanghai', placeholder: 'Asia/Shanghai' })),
      h('div', { class: 'full' }, error),
      h(
        'div',
        { class: 'full form-actions' },
        h('button', { type: 'submit', class: 'primary', 'data-action': 'save-region' }, editing ? t('admin.save') : t('admin.region.create')),
        editing ? h('button', { type: 'button', 'data-action': 'new-region', onclick: () => fill(null) }, t('admin.region.newTitle')) : null,
      ),
    );
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      clearFormError(form, error);
      const v = (name: string) => valueOf(form, name);
      try {
        if (editing) {
          // Only what changed: the default region refuses a prefix in the patch even when it is the same.
          const patch: Record<string, string | null> = {};
          if (v('name') !== editing.name) patch.name = v('name');
          if (v('casePrefix') !== editing.casePrefix) patch.casePrefix = v('casePrefix');
          if (v('parentCity') !== (editing.parentCity ?? '')) patch.parentCity = v('parentCity') || null;
          if (v('timeZone') !== editing.timeZone) patch.timeZone = v('timeZone');
          await api('PATCH', `/regions/${encodeURIComponent(editing.id)}`, { body: patch });
        } else {
          await api('POST', '/regions', { body: { id: v('id'), name: v('name'), casePrefix: v('casePrefix'), parentCity: v('parentCity') || undefined, timeZone: v('timeZone') || undefined } });
        }
        toast(t('admin.saved'));
        saved(editing?.id ?? v('id'));
      } catch (err) {
        showFormError(form, error, err);
      }
    };
  }

  fill(null);
  return card;
}
