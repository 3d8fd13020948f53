import { h, mount, toast, formValues } from '../lib/dom.ts';
import { api, query } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { CATEGORIES, type Region } from '../lib/catalog.ts';
import { weeklyChart, weekOf, type WeekPoint } from '../lib/chart.ts';
import { t, label, fmtDate, fmtDuration, fmtPercent } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';
import { rankingCard } from './audit-ranking.ts';

const DAY = 86_400_000;
const WEEKS = 8;

type Row = Record<string, any>;

/**
 * A day in China time (the service centres' day), YYYY-MM-DD. The API reads a date-only `to` as
 * the whole of that day in the region's zone, so the default range ends at the end of today there —
 * not at the UTC date, which between 00:00 and 08:00 in Beijing is still yesterday.
 */
const CHINA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const dateInput = (d: Date) => CHINA_DAY.format(d);

/**
 * The auditor's dashboard: 三率 tiles, 考核排名, weekly chart, breaches table with CSV export, chain check.
 * Leaders read the same figures of their region; the hash-chain check stays the auditors' (admins').
 */
export async function auditPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  const session = requireRole(outlet, ['auditor', 'admin', 'leader']);
  if (!session) return;
  const auditor = session.user.role !== 'leader';
  const now = new Date();
  const f = {
    region: session.user.regionId ?? search.get('region') ?? '',
    group: search.get('group') ?? '',
    category: search.get('category') ?? '',
    from: search.get('from') ?? dateInput(new Date(now.getTime() - WEEKS * 7 * DAY)),
    to: search.get('to') ?? dateInput(now),
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
    // The ranking's order (kept in the URL by audit-ranking.ts) survives a new period.
    const here = new URLSearchParams(location.search);
    navigate(`/audit${query({ region: v.region, group: v.group, category: v.category, from: v.from, to: v.to, rank: here.get('rank'), order: here.get('order') })}`);
  });

  const tiles = h('div', { class: 'tiles', 'data-test': 'tiles' }, h('p', { class: 'muted' }, t('common.loading')));
  const ranking = h('div', null);
  const chart = h('div', { class: 'card chart-card' }, h('h2', null, t('audit.chart')));
  const table = h('div', { class: 'table-wrap' });
  const verifyResult = h('div', { 'data-test': 'verify-result' });
  const verifyForm = h('form', { class: 'filters' }, h('label', null, t('audit.caseRef'), h('input', { name: 'caseId', placeholder: 'ZLT-20261202-0001', autocapitalize: 'characters', required: true })), h('button', { type: 'submit' }, t('audit.verify')));
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
      ranking,
      chart,
      h('div', { class: 'card' }, h('h2', null, t('audit.breaches')), table),
      auditor ? h('div', { class: 'card' }, h('h2', null, t('audit.chain')), verifyForm, verifyResult) : null,
    ),
  );

  async function verify(caseId: string) {
    try {
      const r = await api<Row>('GET', `/audit/cases/${encodeURIComponent(caseId)}/verify`);
      const ok = r.intact === true;
      mount(
        verifyResult,
        h('div', { class: `alert ${ok ? 'ok' : 'error'}` }, ok ? t('audit.intact', { caseNo: r.caseNo, n: r.events }) : t('audit.broken', { caseNo: r.caseNo, seq: r.brokenAt?.seq ?? '?', reason: r.brokenAt?.reason ?? '' })),
      );
    } catch (err) {
      mount(verifyResult, errorBox(err));
    }
  }

  async function exportCsv() {
    try {
      const res = await api<Response>('GET', `/sla/breaches${query({ ...params(), format: 'csv' })}`, { raw: true, headers: { accept: 'text/csv' } });
      const blob = await res.blob();
      // The server names the file (Content-Disposition); keep its name.
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `sla-breach-${f.region || 'all'}.csv`;
      const a = h('a', { href: URL.createObjectURL(blob), download: name });
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
  let total = 0;
  try {
    // One page of up to 500 (the API's maximum); the chart counts on the server.
    const res = await api<Row>('GET', `/sla/breaches${query({ ...params(), pageSize: 500 })}`);
    breaches = res.items ?? [];
    total = res.total ?? breaches.length;
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
            h('caption', { class: 'muted small' }, t('audit.count', { n: total })),
            h('thead', null, h('tr', null, [t('case.no'), t('tasks.task'), t('tasks.groups'), t('tasks.assignee'), t('tasks.due'), t('audit.actual'), t('audit.overdue'), ''].map((c) => h('th', null, c)))),
            h(
              'tbody',
              null,
              breaches.map((b) => {
                const caseId = b.caseId;
                return h(
                  'tr',
                  null,
                  h('td', { 'data-label': t('case.no') }, h('a', { href: `/cases/${caseId}` }, b.caseNo)),
                  h('td', { 'data-label': t('tasks.task') }, b.taskName ?? b.elementId ?? '—', h('div', { class: 'muted small' }, label('clock', b.clock))),
                  h('td', { 'data-label': t('tasks.groups') }, b.groupName ?? label('group', b.group ?? '—')),
                  h('td', { 'data-label': t('tasks.assignee') }, b.user ?? '—'),
                  h('td', { 'data-label': t('tasks.due') }, fmtDate(b.dueAt)),
                  h('td', { 'data-label': t('audit.actual') }, b.endedAt ? fmtDate(b.endedAt) : t('audit.stillOpen')),
                  h('td', { 'data-label': t('audit.overdue') }, fmtDuration(Number(b.overdueMinutes) * 60_000)),
                  h('td', null, caseId && auditor ? h('button', { type: 'button', class: 'small', onclick: () => verify(String(caseId)) }, t('audit.verify')) : null),
                );
              }),
            ),
          )
        : h('p', { class: 'empty-note' }, t('audit.noBreaches')),
    );
  }

  try {
    const m = await api<Row>('GET', `/metrics${query(params())}`);
    // Each rate with its raw counts beside it, as the metrics configuration defines them.
    const tile = (key: string, rate: string, test: string) => {
      const def = m.definitions?.rates?.[rate];
      const counts = def ? `${m.counts?.[def.numerator] ?? '—'} / ${m.counts?.[def.denominator] ?? '—'}` : '';
      return h('div', { class: 'tile', 'data-test': test }, h('div', { class: 'tile-value' }, fmtPercent(m.rates?.[rate])), h('div', { class: 'tile-label' }, t(key)), h('div', { class: 'muted small' }, counts));
    };
    mount(
      tiles,
      tile('audit.responseRate', 'responseRate', 'tile-response'),
      tile('audit.resolutionRate', 'resolutionRate', 'tile-resolution'),
      tile('audit.satisfactionRate', 'satisfactionRate', 'tile-satisfaction'),
      tile('audit.onTimeRate', 'onTimeClosureRate', 'tile-ontime'),
    );
    mount(ranking, rankingCard(m, search));
  } catch (err) {
    mount(tiles, errorBox(err));
  }

  // The weekly chart: breaches counted by the server over every record; on-time closure asked per week.
  const weeks: WeekPoint[] = [];
  const end = new Date(`${f.to}T00:00:00Z`);
  for (let i = WEEKS - 1; i >= 0; i--) weeks.push({ week: weekOf(new Date(end.getTime() - i * 7 * DAY)), breaches: 0, onTime: null });
  try {
    const first = new Date(`${weeks[0].week}T00:00:00Z`);
    const counts = await api<{ weeks: Array<{ week: string; count: number }> }>('GET', `/sla/breaches/weekly${query({ ...params(), from: first.toISOString() })}`);
    for (const c of counts.weeks) {
      const w = weeks.find((p) => p.week === c.week);
      if (w) w.breaches = c.count;
    }
  } catch {
    // The chart then shows no bars; the table above says what went wrong.
  }
  await Promise.all(
    weeks.map(async (w) => {
      const from = new Date(`${w.week}T00:00:00Z`);
      try {
        const m = await api<Row>('GET', `/metrics${query({ ...params(), from: from.toISOString(), to: new Date(from.getTime() + 7 * DAY).toISOString() })}`);
        const v = m.rates?.onTimeClosureRate;
        w.onTime = v === undefined || v === null ? null : Number(v) > 1 ? Number(v) / 100 : Number(v);
      } catch {
        w.onTime = null;
      }
    }),
  );
  chart.append(weeklyChart(weeks), h('div', { class: 'legend' }, h('span', { class: 'key bar' }, t('audit.chartBreaches')), h('span', { class: 'key line' }, t('audit.chartOnTime'))));
}
