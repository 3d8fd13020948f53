import { h, mount, toast, formValues } from '../lib/dom.ts';
import { api, query } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { CATEGORIES, type Region } from '../lib/catalog.ts';
import { weeklyChart, weekOf, type WeekPoint } from '../lib/chart.ts';
import { t, label, fmtDate, fmtPercent } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';

const DAY = 86_400_000;
const WEEKS = 8;

type Row = Record<string, any>;

/** First present value among several spellings (the SLA API is young; keep the page tolerant). */
function pick(o: Row | null | undefined, ...names: string[]): any {
  for (const n of names) {
    const v = n.split('.').reduce<any>((acc, k) => (acc == null ? undefined : acc[k]), o);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

const dateInput = (d: Date) => d.toISOString().slice(0, 10);

/** The auditor's dashboard: 三率 tiles, weekly chart, breaches table with CSV export, chain check. */
export async function auditPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  const session = requireRole(outlet, ['auditor', 'admin', 'leader']);
  if (!session) return;
  const now = new Date();
  const f = {
    region: session.user.regionId ?? search.get('region') ?? '',
    group: search.get('group') ?? '',
    category: search.get('category') ?? '',
    from: search.get('from') ?? dateInput(new Date(now.getTime() - WEEKS * 7 * DAY)),
    to: search.get('to') ?? dateInput(new Date(now.getTime() + DAY)),
  };
  const params = () => ({ region: f.region, group: f.group, category: f.category, from: f.from, to: f.to });
  let regions: Region[] = [];
  if (!session.user.regionId) regions = (await api<{ items: Region[] }>('GET', '/regions').catch(() => ({ items: [] as Region[] }))).items;

  const filters = h(
    'form',
    { class: 'filters', 'data-test': 'breach-filters' },
    session.user.regionId
      ? null
      : h('label', null, t('audit.region'), h('select', { name: 'region' }, h('option', { value: '' }, t('common.any')), regions.map((r) => h('option', { value: r.id, selected: r.id === f.region }, r.name)))),
    h('label', null, t('tasks.group'), h('input', { name: 'group', value: f.group, placeholder: 'city-management' })),
    h('label', null, t('case.category'), h('select', { name: 'category' }, h('option', { value: '' }, t('common.any')), CATEGORIES.map((c) => h('option', { value: c, selected: c === f.category }, label('category', c))))),
    h('label', null, t('audit.from'), h('input', { name: 'from', type: 'date', value: f.from })),
    h('label', null, t('audit.to'), h('input', { name: 'to', type: 'date', value: f.to })),
    h('button', { type: 'submit' }, t('audit.apply')),
    h('button', { type: 'button', class: 'primary', 'data-action': 'export', onclick: () => exportCsv() }, t('audit.export')),
  );
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(filters) as Record<string, string>;
    navigate(`/audit${query({ region: v.region, group: v.group, category: v.category, from: v.from, to: v.to })}`);
  });

  const tiles = h('div', { class: 'tiles', 'data-test': 'tiles' }, h('p', { class: 'muted' }, t('common.loading')));
  const chart = h('div', { class: 'card chart-card' }, h('h2', null, t('audit.chart')));
  const table = h('div', { class: 'table-wrap' });
  const verifyResult = h('div', { 'data-test': 'verify-result' });
  const verifyForm = h('form', { class: 'filters' }, h('label', null, t('audit.caseId'), h('input', { name: 'caseId', inputmode: 'numeric', required: true })), h('button', { type: 'submit' }, t('audit.verify')));
  verifyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void verify(String(formValues(verifyForm).caseId).trim());
  });

  mount(
    outlet,
    h(
      'section',
      { class: 'page audit' },
      h('div', { class: 'page-head' }, h('h1', null, t('audit.title'))),
      filters,
      tiles,
      chart,
      h('div', { class: 'card' }, h('h2', null, t('audit.breaches')), table),
      h('div', { class: 'card' }, h('h2', null, t('audit.chain')), verifyForm, verifyResult),
    ),
  );

  async function verify(caseId: string) {
    try {
      const r = await api<Row>('GET', `/audit/cases/${encodeURIComponent(caseId)}/verify`);
      const ok = pick(r, 'ok', 'intact', 'valid') === true;
      mount(
        verifyResult,
        h('div', { class: `alert ${ok ? 'ok' : 'error'}` }, ok ? t('audit.intact', { n: pick(r, 'events', 'count', 'checked') ?? '' }) : t('audit.broken', { seq: pick(r, 'brokenAt', 'firstBroken.seq', 'seq') ?? '?' })),
      );
    } catch (err) {
      mount(verifyResult, errorBox(err));
    }
  }

  async function exportCsv() {
    try {
      const res = await api<Response>('GET', `/sla/breaches${query({ ...params(), format: 'csv' })}`, { raw: true, headers: { accept: 'text/csv' } });
      const blob = await res.blob();
      const a = h('a', { href: URL.createObjectURL(blob), download: `breaches-${f.region || 'all'}-${f.from}-${f.to}.csv` });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  // Tiles and the table load independently: one missing endpoint must not blank the other.
  let breaches: Row[] = [];
  try {
    const res = await api<Row>('GET', `/sla/breaches${query(params())}`);
    breaches = (Array.isArray(res) ? res : pick(res, 'items', 'breaches')) ?? [];
    renderTable();
  } catch (err) {
    mount(table, errorBox(err));
  }

  function renderTable() {
    mount(
      table,
      breaches.length
        ? h(
            'table',
            { class: 'grid', 'data-test': 'breach-table' },
            h('thead', null, h('tr', null, [t('case.no'), t('tasks.task'), t('tasks.groups'), t('tasks.assignee'), t('tasks.due'), t('audit.actual'), ''].map((c) => h('th', null, c)))),
            h(
              'tbody',
              null,
              breaches.map((b) => {
                const caseId = pick(b, 'caseId', 'case_id');
                return h(
                  'tr',
                  null,
                  h('td', { 'data-label': t('case.no') }, caseId ? h('a', { href: `/cases/${caseId}` }, pick(b, 'caseNo', 'case_no') ?? caseId) : pick(b, 'caseNo', 'case_no')),
                  h('td', { 'data-label': t('tasks.task') }, pick(b, 'taskName', 'task_name', 'name', 'elementId') ?? '—'),
                  h('td', { 'data-label': t('tasks.groups') }, label('group', pick(b, 'group', 'groupCode', 'responsibleGroup', 'group_code') ?? '—')),
                  h('td', { 'data-label': t('tasks.assignee') }, pick(b, 'assignee', 'responsibleUser', 'user') ?? '—'),
                  h('td', { 'data-label': t('tasks.due') }, fmtDate(pick(b, 'dueAt', 'due_at'))),
                  h('td', { 'data-label': t('audit.actual') }, fmtDate(pick(b, 'actualAt', 'endedAt', 'breachedAt', 'breached_at'))),
                  h('td', null, caseId ? h('button', { type: 'button', class: 'small', onclick: () => verify(String(caseId)) }, t('audit.verify')) : null),
                );
              }),
            ),
          )
        : h('p', { class: 'empty' }, t('audit.noBreaches')),
    );
  }

  try {
    const m = await api<Row>('GET', `/metrics${query(params())}`);
    const tile = (key: string, value: unknown, test: string) => h('div', { class: 'tile', 'data-test': test }, h('div', { class: 'tile-value' }, fmtPercent(value)), h('div', { class: 'tile-label' }, t(key)));
    mount(
      tiles,
      tile('audit.responseRate', pick(m, 'responseRate', 'rates.response', 'response_rate', 'totals.responseRate'), 'tile-response'),
      tile('audit.resolutionRate', pick(m, 'resolutionRate', 'rates.resolution', 'resolution_rate', 'totals.resolutionRate'), 'tile-resolution'),
      tile('audit.satisfactionRate', pick(m, 'satisfactionRate', 'rates.satisfaction', 'satisfaction_rate', 'totals.satisfactionRate'), 'tile-satisfaction'),
      tile('audit.onTimeRate', pick(m, 'onTimeRate', 'onTimeClosureRate', 'rates.onTime', 'on_time_rate', 'totals.onTimeRate'), 'tile-ontime'),
    );
  } catch (err) {
    mount(tiles, errorBox(err));
  }

  // The weekly chart: breaches counted from the table; on-time closure asked per week.
  const weeks: WeekPoint[] = [];
  const end = new Date(`${f.to}T00:00:00Z`);
  for (let i = WEEKS - 1; i >= 0; i--) weeks.push({ week: weekOf(new Date(end.getTime() - i * 7 * DAY)), breaches: 0, onTime: null });
  for (const b of breaches) {
    const at = pick(b, 'dueAt', 'due_at', 'breachedAt');
    const w = weeks.find((p) => p.week === weekOf(new Date(at)));
    if (w) w.breaches++;
  }
  await Promise.all(
    weeks.map(async (w) => {
      const from = new Date(`${w.week}T00:00:00Z`);
      try {
        const m = await api<Row>('GET', `/metrics${query({ ...params(), from: from.toISOString(), to: new Date(from.getTime() + 7 * DAY).toISOString() })}`);
        const v = pick(m, 'onTimeRate', 'onTimeClosureRate', 'rates.onTime', 'on_time_rate', 'totals.onTimeRate');
        w.onTime = v === undefined || v === null ? null : Number(v) > 1 ? Number(v) / 100 : Number(v);
      } catch {
        w.onTime = null;
      }
    }),
  );
  chart.append(weeklyChart(weeks), h('div', { class: 'legend' }, h('span', { class: 'key bar' }, t('audit.chartBreaches')), h('span', { class: 'key line' }, t('audit.chartOnTime'))));
}
