import { h } from '../../lib/dom.ts';
import { t, label, fmtDate } from '../../i18n/index.ts';

/** One row of a region's admin change log (GET /regions/:region/changes). */
export interface Change {
  id: number;
  at: string;
  actor: string;
  entity: string;
  key: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** "created" with what it was made with, or each field that changed as before → after. */
function whatChanged(c: Change): HTMLElement {
  if (!c.before) return h('div', null, h('strong', null, t('admin.change.created')), ' ', h('span', { class: 'muted small' }, Object.entries(c.after ?? {}).map(([k, v]) => `${k}: ${show(v)}`).join('; ')));
  if (!c.after) return h('strong', null, t('admin.change.removed'));
  const keys = [...new Set([...Object.keys(c.before), ...Object.keys(c.after)])].filter((k) => show(c.before![k]) !== show(c.after![k]));
  if (!keys.length) return h('span', { class: 'muted' }, t('admin.change.same'));
  return h('ul', { class: 'change-list' }, keys.map((k) => h('li', null, h('code', null, k), ': ', show(c.before![k]), ' → ', show(c.after![k]))));
}

/** The change log card: newest first, as the server orders it. */
export function changesCard(changes: Change[]): HTMLElement {
  return h(
    'section',
    { class: 'card', 'data-test': 'admin-changes' },
    h('h2', null, t('admin.changes')),
    changes.length
      ? h(
          'table',
          { class: 'grid', 'data-test': 'change-table' },
          h('thead', null, h('tr', null, [t('admin.change.at'), t('admin.change.actor'), t('admin.change.entity'), t('admin.change.what')].map((c) => h('th', null, c)))),
          h(
            'tbody',
            null,
            changes.map((c) =>
              h(
                'tr',
                { 'data-entity': c.entity, 'data-key': c.key },
                h('td', { 'data-label': t('admin.change.at') }, fmtDate(c.at)),
                h('td', { 'data-label': t('admin.change.actor') }, c.actor),
                h('td', { 'data-label': t('admin.change.entity') }, label('admin.entity', c.entity), ' ', h('code', null, c.key)),
                h('td', { 'data-label': t('admin.change.what'), class: 'change-what' }, whatChanged(c)),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty-note' }, t('admin.change.none')),
  );
}
