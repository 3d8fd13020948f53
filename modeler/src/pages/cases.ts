import { h, mount } from '../lib/dom.ts';
import { api, query } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { categoryText } from '../lib/catalog.ts';
import { categoryPicker } from '../lib/category-picker.ts';
import { regionVocabulary, termLabel, urgencyLabel, type Vocabulary } from '../lib/vocabulary.ts';
import { URGENCIES } from '../lib/catalog.ts';
import { t, label, fmtDate } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';

const PAGE = 20;
/** Handlers see the cases given to their units (the API scopes it); auditors read all of their region's. */
export const CASE_LIST_ROLES = ['dispatcher', 'leader', 'handler', 'auditor', 'admin'];
/** The phone box only where the API answers it: a dispatcher's or an admin's search. */
const PHONE_ROLES = ['dispatcher', 'admin'];

interface CaseRow {
  id: number;
  caseNo: string;
  region: string;
  status: string;
  category: string;
  categoryPath: Array<{ code: string; name: string }> | null;
  urgency: string;
  title: string;
  closeKind: string | null;
  createdAt: string;
  closedAt: string | null;
  breached: boolean;
}

/** One select for status and how a case was closed: `closed:not_accepted` is 不予受理. */
const STATES = ['open', 'closed', 'closed:not_accepted', 'closed:emergency', 'merged', 'incident'] as const;
const FILTERS = ['region', 'caseNo', 'phone', 'q', 'state', 'unit', 'category', 'channel', 'requestType', 'urgency', 'from', 'to', 'breached', 'offset'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const filtersFrom = (search: URLSearchParams): Filters => Object.fromEntries(FILTERS.map((k) => [k, search.get(k) ?? ''])) as Filters;

/** 工单查询: every case of the caller's region, closed ones too, by number, phone, text, state, unit, category, dates, breach. */
export async function casesPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  const session = requireRole(outlet, CASE_LIST_ROLES);
  if (!session) return;
  const me = session.user;
  const f = filtersFrom(search);
  const region = me.regionId ?? f.region;
  const go = (changes: Partial<Filters>) => {
    const next = { ...f, offset: '', ...changes };
    const params = new URLSearchParams(Object.entries(next).filter(([k, v]) => v !== '' && !(k === 'offset' && v === '0')));
    navigate(`/cases${params.toString() ? `?${params}` : ''}`);
  };

  const picker = categoryPicker({ name: 'category', branches: true });
  const unitSelect = h('select', { name: 'unit' }, h('option', { value: '' }, t('common.any')), f.unit ? h('option', { value: f.unit, selected: true }, label('group', f.unit)) : null);
  // 渠道, 诉求类型, 缓急 in the region's words (its rules); the chosen code is there before the names are.
  const termSelect = (name: 'channel' | 'requestType' | 'urgency') =>
    h('select', { name, 'data-test': `filter-${name}` }, h('option', { value: '' }, t('common.any')), f[name] ? h('option', { value: f[name], selected: true }, termLabel(name, f[name], undefined)) : null);
  const terms = { channel: termSelect('channel'), requestType: termSelect('requestType'), urgency: termSelect('urgency') };
  const input = (name: keyof Filters, attrs: Record<string, unknown> = {}) => h('input', { name, value: f[name], ...attrs });
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'filters case-filters', 'data-test': 'case-filters',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const v = (n: string) => ((form.elements.namedItem(n) as HTMLInputElement | null)?.value ?? '').trim();
        go({ region: v('region'), caseNo: v('caseNo'), phone: v('phone'), q: v('q'), state: v('state'), unit: v('unit'), category: picker.value(), channel: v('channel'), requestType: v('requestType'), urgency: v('urgency'), from: v('from'), to: v('to'), breached: (form.elements.namedItem('breached') as HTMLInputElement).checked ? 'true' : '' });
      },
    },
    me.regionId ? null : h('label', null, t('cases.region'), input('region', { maxlength: 40, placeholder: 'yuquan' })),
    h('label', null, t('case.no'), input('caseNo', { maxlength: 40, autocomplete: 'off', placeholder: t('cases.caseNoHint') })),
    PHONE_ROLES.includes(me.role) ? h('label', null, t('cases.phone'), input('phone', { type: 'tel', maxlength: 30, autocomplete: 'off' })) : null,
    h('label', { class: 'grow' }, t('tasks.search'), input('q', { type: 'search', maxlength: 100, placeholder: t('cases.textHint') })),
    h('label', null, t('cases.state'), h('select', { name: 'state' }, h('option', { value: '' }, t('common.any')), STATES.map((s) => h('option', { value: s, selected: s === f.state }, t(`cases.state.${s}`))))),
    h('label', null, t('cases.unit'), unitSelect),
    h('div', { class: 'picker-label' }, h('span', null, t('case.category')), picker.element),
    h('label', null, t('intake.channel'), terms.channel),
    h('label', null, t('intake.requestType'), terms.requestType),
    h('label', null, t('case.urgency'), terms.urgency),
    h('label', null, t('cases.from'), input('from', { type: 'date' })),
    h('label', null, t('cases.to'), input('to', { type: 'date' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'breached', checked: f.breached === 'true' }), t('cases.breachedOnly')),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'case-search' }, t('track.search')), h('button', { type: 'button', onclick: () => navigate('/cases') }, t('cases.reset'))),
  );
  const body = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, t('common.loading')));
  mount(outlet, h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', null, t('cases.title'))), form, body));

  void picker.load(region || 'default').then(() => f.category && picker.set(f.category));
  void fillUnits(unitSelect, region, f.unit);
  const vocabulary = regionVocabulary(region || 'default').catch(() => null);
  void vocabulary.then((v) => v && fillTerms(terms, v, f));

  const [status, closeKind] = f.state.split(':');
  let result: { total: number; items: CaseRow[] };
  try {
    result = await api('GET', `/cases${query({
      region: me.regionId ? undefined : f.region, caseNo: f.caseNo, phone: f.phone, q: f.q, status, closeKind, unit: f.unit, category: f.category, channel: f.channel, requestType: f.requestType, urgency: f.urgency, from: f.from, to: f.to,
      breached: f.breached === 'true' ? 'true' : undefined, limit: PAGE, offset: Number(f.offset) || 0,
    })}`);
  } catch (err) {
    mount(body, errorBox(err));
    return;
  }
  const names = await vocabulary;
  const offset = Number(f.offset) || 0;
  const last = Math.min(offset + PAGE, result.total);
  mount(
    body,
    result.items.length
      ? h(
          'table',
          { class: 'grid cases', 'data-test': 'case-table' },
          h('thead', null, h('tr', null, [t('case.no'), t('case.title'), t('cases.state'), t('cases.created'), t('cases.closed')].map((c) => h('th', null, c)))),
          h('tbody', null, result.items.map((c) => row(c, names))),
        )
      : h('p', { class: 'empty-note', 'data-test': 'cases-none' }, t('cases.none')),
    h(
      'div',
      { class: 'pager' },
      h('span', { class: 'muted', 'data-test': 'case-total' }, t('common.range', { from: result.total ? offset + 1 : 0, to: last, total: result.total })),
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('common.prev')),
      h('button', { type: 'button', disabled: last >= result.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('common.next')),
    ),
  );
}

function row(c: CaseRow, names: Vocabulary | null): HTMLElement {
  return h(
    'tr',
    { 'data-case-id': c.id, class: c.breached ? 'due-overdue' : '' },
    h('td', { 'data-label': t('case.no') }, h('a', { href: `/cases/${c.id}` }, c.caseNo)),
    h('td', { 'data-label': t('case.title') }, c.title, h('div', { class: 'muted small' }, categoryText(c.categoryPath, label('category', c.category)), ' · ', urgencyLabel(names, c.urgency))),
    h(
      'td',
      { 'data-label': t('cases.state') },
      h('span', { class: 'status' }, t(`cases.state.${c.status === 'closed' && c.closeKind && c.closeKind !== 'merged' ? `closed:${c.closeKind}` : c.status}`)),
      c.breached ? h('span', { class: 'due-badge overdue' }, ` ${t('cases.breached')}`) : null,
    ),
    h('td', { 'data-label': t('cases.created') }, fmtDate(c.createdAt)),
    h('td', { 'data-label': t('cases.closed') }, fmtDate(c.closedAt)),
  );
}

/** The region's channels, request types and urgency names as the filter's choices. */
function fillTerms(selects: Record<'channel' | 'requestType' | 'urgency', HTMLSelectElement>, v: Vocabulary, f: Filters): void {
  const lists = { channel: v.channels, requestType: v.requestTypes, urgency: URGENCIES.map((u) => ({ code: u, name: v.urgencyNames[u] ?? u })) };
  for (const name of ['channel', 'requestType', 'urgency'] as const) {
    const list = lists[name];
    // A code no longer listed (a retired channel) stays choosable while it is the filter.
    const extra = f[name] && !list.some((x) => x.code === f[name]) ? [{ code: f[name], name: undefined }] : [];
    mount(selects[name], h('option', { value: '' }, t('common.any')), [...list, ...extra].map((x) => h('option', { value: x.code, selected: x.code === f[name] }, termLabel(name, x.code, x.name))));
  }
}

/** The region's units (GET /groups), once the page is on screen; the chosen one is already there. */
async function fillUnits(select: HTMLSelectElement, region: string, chosen: string): Promise<void> {
  if (!region) return;
  try {
    const { items } = await api<{ items: Array<{ code: string; name: string; active?: boolean }> }>('GET', `/groups${query({ region })}`);
    mount(
      select,
      h('option', { value: '' }, t('common.any')),
      items.filter((g) => g.active !== false && g.code !== 'citizen').map((g) => h('option', { value: g.code, selected: g.code === chosen }, g.name || label('group', g.code))),
    );
  } catch {
    // The list still works without the unit names.
  }
}
