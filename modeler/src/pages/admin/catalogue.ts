import { h, mount, toast } from '../../lib/dom.ts';
import { api, ApiError } from '../../lib/api.ts';
import { downloadFrom } from '../../lib/download.ts';
import { t } from '../../i18n/index.ts';
import { errorBox } from '../guard.ts';
import type { Unit } from './units.ts';
import { catalogueMessage } from './catalogue-messages.ts';

/** A node as GET /regions/:region/catalogue answers it (server/catalogue/json.ts nodeView). */
export interface CatalogueNodeView {
  code: string;
  name: string;
  keywords: string[];
  defaultUnit: string | null;
  active: boolean;
  selectable?: boolean;
  origin: 'default' | 'override' | 'region';
  children: CatalogueNodeView[];
}

export interface CatalogueView {
  region: string;
  nodes: CatalogueNodeView[];
  hidden: string[];
}

/** A node being edited: the view plus whether the region hides it (an inherited node left out of the PUT). */
interface Draft extends CatalogueNodeView {
  hidden: boolean;
  children: Draft[];
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const draftOf = (n: CatalogueNodeView, hidden = false): Draft => ({ ...n, keywords: [...n.keywords], hidden, children: n.children.map((c) => draftOf(c, hidden)) });

/**
 * The editable tree: the region's effective nodes, with each default node it hides put back
 * (greyed) under its default parent, so it can be restored.
 */
function draftTree(own: CatalogueView, defaults: CatalogueView | null): Draft[] {
  const roots = own.nodes.map((n) => draftOf(n));
  if (!defaults) return roots;
  const byCode = new Map<string, Draft>();
  const index = (nodes: Draft[]) => nodes.forEach((n) => (byCode.set(n.code, n), index(n.children)));
  index(roots);
  const parentInDefault = new Map<string, { node: CatalogueNodeView; parent: string | null }>();
  const walk = (nodes: CatalogueNodeView[], parent: string | null) => nodes.forEach((n) => (parentInDefault.set(n.code, { node: n, parent }), walk(n.children, n.code)));
  walk(defaults.nodes, null);
  // In tree order, so a hidden branch comes back before its nodes, which it brings along (each hidden too).
  const hidden = new Set(own.hidden);
  for (const [code, at] of parentInDefault) {
    if (!hidden.has(code) || byCode.has(code)) continue;
    const back = draftOf({ ...at.node, origin: 'default' }, true);
    const parent = at.parent ? byCode.get(at.parent) : undefined;
    (parent ? parent.children : roots).push(back);
    index([back]);
  }
  return roots;
}

/** The PUT body: hidden nodes left out; `paths` maps the server's `nodes[0].children[1]` back to a code. */
function bodyOf(drafts: Draft[]): { nodes: unknown[]; paths: Map<string, string> } {
  const paths = new Map<string, string>();
  const out = (nodes: Draft[], at: string): unknown[] =>
    nodes
      .filter((n) => !n.hidden)
      .map((n, i) => {
        const path = `${at}[${i}]`;
        paths.set(path, n.code);
        return { code: n.code, name: n.name, keywords: n.keywords, defaultUnit: n.defaultUnit, active: n.active, children: out(n.children, `${path}.children`) };
      });
  return { nodes: out(drafts, 'nodes'), paths };
}

/** Splits keywords as the server does: ；;,，、 or line breaks. */
const splitWords = (text: string) => [...new Set(text.split(/[；;,，、\r\n]+/).map((k) => k.trim()).filter(Boolean))];

/**
 * The request catalogue (诉求分类) tab: the region's tree to edit and save as a whole, its
 * export as CSV or Excel, and the import of a file, whose refusal lists every bad row.
 */
export async function catalogueTab(region: string, units: Unit[]): Promise<HTMLElement> {
  const enc = encodeURIComponent(region);
  const card = h('section', { class: 'card', 'data-test': 'admin-catalogue' }, h('p', { class: 'muted' }, t('common.loading')));
  let own: CatalogueView;
  let defaults: CatalogueView | null = null;
  try {
    [own, defaults] = await Promise.all([api<CatalogueView>('GET', `/regions/${enc}/catalogue`), region === 'default' ? null : api<CatalogueView>('GET', '/regions/default/catalogue')]);
  } catch (err) {
    mount(card, errorBox(err));
    return card;
  }
  let drafts = draftTree(own, defaults);
  let dirty = false;
  /** Problems of the last save, by node code (or '' for the tree as a whole). */
  let problems = new Map<string, string[]>();
  const open = new Set<string>(drafts.map((d) => d.code));
  const unitName = new Map(units.map((u) => [u.code, u.name]));

  const treeSlot = h('div', { class: 'cat-tree', 'data-test': 'catalogue-tree' });
  const status = h('p', { class: 'muted small', 'data-test': 'catalogue-status' });
  const saveError = h('div', { class: 'alert error', role: 'alert', 'data-test': 'catalogue-error', hidden: true });
  const importResult = h('div', { 'data-test': 'catalogue-import-result' });
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,text/csv', 'data-test': 'catalogue-file' });
  const rootForm = h('div', { 'data-test': 'cat-root-form' });

  const changed = () => {
    dirty = true;
    render();
  };

  function unitSelect(value: string | null): HTMLSelectElement {
    return h(
      'select',
      { name: 'defaultUnit' },
      h('option', { value: '' }, t('admin.cat.noUnit')),
      units.map((u) => h('option', { value: u.code, selected: u.code === value }, `${u.name} (${u.code})`)),
      value && !unitName.has(value) ? h('option', { value, selected: true }, value) : null,
    );
  }

  /** The inline form for a node's name, keywords and unit, or (with `parent`) for a new child. */
  function nodeForm(target: Draft | null, parent: Draft | null, list: Draft[], done: () => void): HTMLElement {
    const code = h('input', { name: 'code', required: true, placeholder: 'GN-01', autocapitalize: 'off', value: target?.code ?? '' });
    const name = h('input', { name: 'name', required: true, placeholder: '供暖不热', value: target?.name ?? '' });
    const words = h('input', { name: 'keywords', placeholder: t('admin.cat.keywordsHint'), value: target?.keywords.join('、') ?? '' });
    const unit = unitSelect(target?.defaultUnit ?? null);
    const note = h('span', { class: 'field-error', role: 'alert' });
    const form = h(
      'form',
      { class: 'admin-form cat-form', 'data-test': target ? 'cat-edit-form' : 'cat-add-form', novalidate: true },
      target ? null : h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('admin.cat.code')), code),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('admin.cat.name')), name),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('admin.cat.keywords')), words),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('admin.cat.defaultUnit')), unit),
      h('div', { class: 'full form-actions' }, note, h('button', { type: 'submit', class: 'primary', 'data-action': 'cat-apply' }, t('admin.cat.apply')), h('button', { type: 'button', onclick: done }, t('common.cancel'))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const n = name.value.trim();
      const c = code.value.trim();
      if (!n || (!target && !c)) return void (note.textContent = t('admin.cat.needCodeName'));
      if (!target && findNode(drafts, c)) return void (note.textContent = t('admin.cat.codeTaken', { code: c }));
      if (target) Object.assign(target, { name: n, keywords: splitWords(words.value), defaultUnit: unit.value || null });
      else {
        list.push({ code: c, name: n, keywords: splitWords(words.value), defaultUnit: unit.value || null, active: true, origin: 'region', hidden: false, children: [] });
        if (parent) open.add(parent.code);
      }
      done();
      changed();
    });
    queueMicrotask(() => (target ? name : code).focus());
    return form;
  }

  let editing: { code: string; mode: 'edit' | 'add' } | null = null;

  function nodeRow(n: Draft, siblings: Draft[], parentHidden: boolean): HTMLElement {
    const hidden = n.hidden || parentHidden;
    const inherited = n.origin !== 'region';
    const badges = [
      h('span', { class: `cat-badge origin-${n.origin}` }, t(`admin.cat.origin.${n.origin}`)),
      n.active ? null : h('span', { class: 'cat-badge retired' }, t('admin.cat.retired')),
      hidden ? h('span', { class: 'cat-badge hidden-node' }, t('admin.cat.hidden')) : null,
    ];
    const act = (key: string, action: string, run: () => void) => h('button', { type: 'button', class: 'small', 'data-action': action, onclick: run }, t(key));
    const actions = h(
      'div',
      { class: 'cat-actions' },
      parentHidden
        ? null
        : n.hidden
          ? act('admin.cat.restore', 'cat-restore', () => ((n.hidden = false), changed()))
          : [
              act('admin.edit', 'cat-edit', () => ((editing = { code: n.code, mode: 'edit' }), render())),
              act('admin.cat.addChild', 'cat-add-child', () => ((editing = { code: n.code, mode: 'add' }), render())),
              act(n.active ? 'admin.cat.retire' : 'admin.cat.reactivate', n.active ? 'cat-retire' : 'cat-reactivate', () => ((n.active = !n.active), changed())),
              inherited
                ? act('admin.cat.hide', 'cat-hide', () => ((n.hidden = true), changed()))
                : act('admin.cat.remove', 'cat-remove', () => {
                    if (!confirm(t('admin.cat.removeConfirm', { name: n.name }))) return;
                    siblings.splice(siblings.indexOf(n), 1);
                    changed();
                  }),
            ],
    );
    const own = problems.get(n.code);
    const isOpen = open.has(n.code);
    const toggle = n.children.length
      ? h('button', { type: 'button', class: 'link cat-toggle', 'aria-expanded': String(isOpen), 'data-action': 'cat-toggle', onclick: () => (isOpen ? open.delete(n.code) : open.add(n.code), render()) }, isOpen ? '▾' : '▸')
      : h('span', { class: 'cat-toggle' }, '·');
    return h(
      'li',
      { 'data-code': n.code, class: [hidden ? 'is-hidden' : '', n.active ? '' : 'is-retired'].join(' ').trim() || undefined },
      h(
        'div',
        { class: 'cat-node' },
        toggle,
        h('div', { class: 'cat-main' }, h('code', null, n.code), ' ', h('strong', null, n.name), ' ', badges),
        h(
          'div',
          { class: 'cat-meta muted small' },
          n.keywords.length ? `${t('admin.cat.keywords')}：${n.keywords.join('、')}` : null,
          n.defaultUnit ? h('span', null, ` ${t('admin.cat.defaultUnit')}：${unitName.get(n.defaultUnit) ?? n.defaultUnit}`) : null,
        ),
        actions,
        own ? h('div', { class: 'field-error cat-problem', role: 'alert' }, own.join(' ')) : null,
      ),
      editing?.code === n.code ? nodeForm(editing.mode === 'edit' ? n : null, n, n.children, () => ((editing = null), render())) : null,
      n.children.length && isOpen ? h('ul', null, n.children.map((c) => nodeRow(c, n.children, hidden))) : null,
    );
  }

  function render() {
    mount(treeSlot, drafts.length ? h('ul', { class: 'cat-root' }, drafts.map((d) => nodeRow(d, drafts, false))) : h('p', { class: 'empty-note' }, t('admin.cat.none')));
    status.textContent = dirty ? t('admin.cat.unsaved') : '';
  }

  async function save() {
    saveError.hidden = true;
    const { nodes, paths } = bodyOf(drafts);
    try {
      own = await api<CatalogueView>('PUT', `/regions/${enc}/catalogue`, { body: { nodes } });
      problems = new Map();
      drafts = draftTree(own, defaults);
      dirty = false;
      toast(t('admin.saved'));
      render();
    } catch (err) {
      problems = new Map();
      const listed: Array<{ path: string; message: string }> = err instanceof ApiError && Array.isArray(err.details?.nodes) ? err.details.nodes : [];
      for (const p of listed) {
        const code = paths.get(p.path.replace(/\.[a-zA-Z]+$/, '')) ?? '';
        problems.set(code, [...(problems.get(code) ?? []), catalogueMessage(p.message)]);
        // The node in trouble is shown: its branch opens.
        for (const [path, c] of paths) if (p.path.startsWith(`${path}.`)) open.add(c);
      }
      saveError.textContent = [err instanceof Error ? err.message : String(err), ...(problems.get('') ?? [])].join(' ');
      saveError.hidden = false;
      render();
    }
  }

  async function importFile() {
    mount(importResult);
    const file = fileInput.files?.[0];
    if (!file) return mount(importResult, h('p', { class: 'alert error' }, t('admin.cat.pickFile')));
    const xlsx = /\.xlsx$/i.test(file.name);
    if (!xlsx && !/\.csv$/i.test(file.name)) return mount(importResult, h('p', { class: 'alert error' }, t('admin.cat.fileType')));
    if (dirty && !confirm(t('admin.cat.importOverUnsaved'))) return;
    try {
      own = await api<CatalogueView>('PUT', `/regions/${enc}/catalogue.${xlsx ? 'xlsx' : 'csv'}`, { file: { type: xlsx ? XLSX_TYPE : 'text/csv', data: file } });
      drafts = draftTree(own, defaults);
      drafts.forEach((d) => open.add(d.code));
      dirty = false;
      problems = new Map();
      fileInput.value = '';
      mount(importResult, h('p', { class: 'alert ok', 'data-test': 'catalogue-imported' }, t('admin.cat.imported', { file: file.name })));
      render();
    } catch (err) {
      const rows: Array<{ row: number; column: string; message: string }> = err instanceof ApiError && Array.isArray(err.details?.rows) ? err.details.rows : [];
      mount(
        importResult,
        h('div', { class: 'alert error', role: 'alert' }, err instanceof ApiError && err.code === 'catalogue_invalid' ? t('admin.cat.importRefused', { n: err.details?.total ?? rows.length }) : err instanceof Error ? err.message : String(err)),
        rows.length
          ? h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'grid', 'data-test': 'import-errors' },
                h('thead', null, h('tr', null, [t('admin.cat.row'), t('admin.cat.column'), t('admin.cat.problem')].map((c) => h('th', null, c)))),
                h(
                  'tbody',
                  null,
                  rows.map((r) => h('tr', { 'data-row': r.row }, h('td', { 'data-label': t('admin.cat.row') }, String(r.row)), h('td', { 'data-label': t('admin.cat.column') }, r.column || '—'), h('td', { 'data-label': t('admin.cat.problem') }, catalogueMessage(r.message)))),
                ),
              ),
            )
          : null,
      );
    }
  }

  const download = (ext: 'csv' | 'xlsx') => () =>
    void downloadFrom(`/regions/${enc}/catalogue.${ext}`, `诉求分类-${region}.${ext}`).catch((err) => toast(err instanceof Error ? err.message : String(err), 'error'));

  mount(
    card,
    h('h2', null, t('admin.tab.catalogue')),
    h('p', { class: 'muted small' }, t('admin.cat.lead')),
    h(
      'div',
      { class: 'row cat-toolbar' },
      h('button', { type: 'button', 'data-action': 'cat-add-root', onclick: () => mount(rootForm, nodeForm(null, null, drafts, () => mount(rootForm))) }, t('admin.cat.addRoot')),
      h('button', { type: 'button', 'data-action': 'cat-expand', onclick: () => (expandAll(drafts), render()) }, t('admin.cat.expandAll')),
      h('button', { type: 'button', 'data-action': 'cat-collapse', onclick: () => (open.clear(), render()) }, t('admin.cat.collapseAll')),
    ),
    rootForm,
    treeSlot,
    saveError,
    h('div', { class: 'form-actions' }, status, h('button', { type: 'button', class: 'primary', 'data-action': 'cat-save', onclick: () => void save() }, t('admin.cat.save'))),
    h(
      'section',
      { class: 'cat-files' },
      h('h3', null, t('admin.cat.files')),
      h('p', { class: 'muted small' }, t('admin.cat.filesLead')),
      h('div', { class: 'row' }, h('button', { type: 'button', 'data-action': 'export-csv', onclick: download('csv') }, t('admin.cat.exportCsv')), h('button', { type: 'button', 'data-action': 'export-xlsx', onclick: download('xlsx') }, t('admin.cat.exportXlsx'))),
      h('div', { class: 'row' }, fileInput, h('button', { type: 'button', class: 'primary', 'data-action': 'import-file', onclick: () => void importFile() }, t('admin.cat.import'))),
      importResult,
    ),
  );
  function expandAll(nodes: Draft[]) {
    for (const n of nodes) {
      if (n.children.length) open.add(n.code);
      expandAll(n.children);
    }
  }
  render();
  return card;
}
function findNode(nodes: Draft[], code: string): Draft | null {
  for (const n of nodes) {
    if (n.code === code) return n;
    const below = findNode(n.children, code);
    if (below) return below;
  }
  return null;
}
