import { h, toast } from '../../lib/dom.ts';
import { api, ApiError } from '../../lib/api.ts';
import { indented } from '../../lib/units.ts';
import { label, t } from '../../i18n/index.ts';
import { clearFormError, errorSlot, field, showFormError, valueOf } from './form.ts';

/** A unit (承办单位, a BPMN candidate group) of a region, as GET /groups lists it. */
export interface Unit {
  region: string;
  code: string;
  name: string;
  parentCode?: string | null;
  kind?: string | null;
  publicName?: string | null;
  active?: boolean;
}

/** A node of PUT /regions/:region/units. */
interface UnitNode {
  code: string;
  name: string;
  publicName: string | null;
  kind: string | null;
  active: boolean;
  children: UnitNode[];
}

const KINDS = ['county', 'township', 'street', 'village', 'community', 'bureau', 'utility', 'property', 'company', 'other', 'steering'];

/** The flat list as a tree (a unit whose parent is unknown shows at the top), with each unit's depth. */
function treeOf(units: Unit[]): { roots: UnitNode[]; rows: Array<{ unit: Unit; depth: number }> } {
  const nodes = new Map(units.map((u) => [u.code, { code: u.code, name: u.name, publicName: u.publicName ?? null, kind: u.kind ?? null, active: u.active !== false, children: [] as UnitNode[] }]));
  const roots: UnitNode[] = [];
  for (const u of units) {
    const parent = u.parentCode ? nodes.get(u.parentCode) : undefined;
    (parent ? parent.children : roots).push(nodes.get(u.code)!);
  }
  const byCode = new Map(units.map((u) => [u.code, u]));
  const rows: Array<{ unit: Unit; depth: number }> = [];
  const walk = (list: UnitNode[], depth: number) => list.forEach((n) => (rows.push({ unit: byCode.get(n.code)!, depth }), walk(n.children, depth + 1)));
  walk(roots, 0);
  return { roots, rows };
}

/**
 * The units card: the region's units as a tree (旗县 → 苏木乡镇/街道 → 嘎查村/社区 …) and a form
 * that adds a unit, a sub-unit, or changes one (name, public name, kind, parent). Every save
 * sends the whole tree (PUT /regions/:region/units): one transaction, per-node errors, and a
 * unit is deactivated, never deleted — tasks and history name it.
 */
export function unitsCard(region: string, units: Unit[], saved: () => void): HTMLElement {
  const error = errorSlot();
  const { rows } = treeOf(units);
  const code = h('input', { name: 'code', required: true, placeholder: 'heating-company', autocapitalize: 'off' });
  const name = h('input', { name: 'name', required: true, placeholder: '热力公司' });
  const publicName = h('input', { name: 'publicName', placeholder: '扎赉特旗供热有限公司' });
  const kind = h('select', { name: 'kind' }, h('option', { value: '' }, '—'), KINDS.map((k) => h('option', { value: k }, label('unitKind', k))));
  const parent = h('select', { name: 'parentCode' }, h('option', { value: '' }, t('admin.unit.top')), rows.map(({ unit, depth }) => h('option', { value: unit.code }, indented(unit.name, depth))));
  const form = h(
    'form',
    { class: 'admin-form', 'data-test': 'unit-form', novalidate: true },
    field('code', t('admin.unit.code'), code, t('admin.unit.codeHint')),
    field('name', t('admin.unit.name'), name),
    field('parentCode', t('admin.unit.parent'), parent),
    field('kind', t('admin.unit.kind'), kind),
    field('publicName', t('admin.unit.publicName'), publicName, t('admin.unit.publicHint')),
    h('div', { class: 'full' }, error),
    h('div', { class: 'full form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'save-unit' }, t('admin.unit.save'))),
  );

  /** Sends the tree with `change` applied to a copy of the list; the server's per-node problems go to the form. */
  const put = async (change: (list: Unit[]) => Unit[]) => {
    clearFormError(form, error);
    try {
      await api('PUT', `/regions/${encodeURIComponent(region)}/units`, { body: { units: treeOf(change(units.map((u) => ({ ...u })))).roots } });
      toast(t('admin.saved'));
      saved();
    } catch (err) {
      const problems = err instanceof ApiError && Array.isArray(err.details?.units) ? (err.details.units as Array<{ code: string; message: string }>) : [];
      showFormError(form, error, problems.length ? new Error(`${t('admin.unit.problems')} ${problems.map((p) => `${p.code}: ${p.message}`).join('；')}`) : err);
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const c = valueOf(form, 'code');
    const next: Unit = { region, code: c, name: valueOf(form, 'name'), parentCode: valueOf(form, 'parentCode') || null, kind: valueOf(form, 'kind') || null, publicName: valueOf(form, 'publicName') || null, active: true };
    void put((list) => {
      const at = list.findIndex((u) => u.code === c);
      if (at < 0) return [...list, next];
      list[at] = { ...list[at], ...next, active: list[at]!.active };
      return list;
    });
  });

  const edit = (u: Unit) => {
    code.value = u.code;
    name.value = u.name;
    parent.value = u.parentCode ?? '';
    kind.value = u.kind ?? '';
    publicName.value = u.publicName ?? '';
    name.focus();
  };
  const addChild = (u: Unit) => {
    code.value = '';
    name.value = '';
    publicName.value = '';
    kind.value = '';
    parent.value = u.code;
    code.focus();
  };
  const setActive = (u: Unit, active: boolean) => void put((list) => list.map((x) => (x.code === u.code ? { ...x, active } : x)));

  return h(
    'section',
    { class: 'card', 'data-test': 'admin-units' },
    h('h2', null, t('admin.units')),
    h('p', { class: 'muted small' }, t('admin.unit.treeLead')),
    rows.length
      ? h(
          'table',
          { class: 'grid unit-tree', 'data-test': 'unit-table' },
          h('thead', null, h('tr', null, [t('admin.unit.name'), t('admin.unit.code'), t('admin.unit.kind'), ''].map((c) => h('th', null, c)))),
          h(
            'tbody',
            null,
            rows.map(({ unit: u, depth }) => {
              const steering = u.kind === 'steering';
              const active = u.active !== false;
              return h(
                'tr',
                { 'data-unit': u.code, 'data-depth': String(depth), class: active ? '' : 'inactive', style: `--depth: ${depth}` },
                h(
                  'td',
                  { 'data-label': t('admin.unit.name'), class: 'unit-name' },
                  depth ? h('span', { class: 'muted', 'aria-hidden': 'true' }, '└ ') : null,
                  u.name,
                  u.publicName && u.publicName !== u.name ? h('div', { class: 'muted small' }, `${t('admin.unit.publicName')}：${u.publicName}`) : null,
                  active ? null : h('span', { class: 'status closed small' }, ` ${t('admin.unit.inactive')}`),
                ),
                h('td', { 'data-label': t('admin.unit.code') }, h('code', null, u.code)),
                h('td', { 'data-label': t('admin.unit.kind') }, u.kind ? label('unitKind', u.kind) : '—'),
                h(
                  'td',
                  { class: 'row-actions' },
                  h('button', { type: 'button', class: 'small', 'data-action': 'rename-unit', onclick: () => edit(u) }, t('admin.unit.rename')),
                  steering ? null : h('button', { type: 'button', class: 'small', 'data-action': 'add-child', onclick: () => addChild(u) }, t('admin.unit.addChild')),
                  steering ? null : h('button', { type: 'button', class: 'small', 'data-action': active ? 'deactivate-unit' : 'reactivate-unit', onclick: () => setActive(u, !active) }, active ? t('admin.unit.deactivate') : t('admin.unit.reactivate')),
                ),
              );
            }),
          ),
        )
      : h('p', { class: 'empty-note' }, t('admin.unit.none')),
    form,
  );
}
