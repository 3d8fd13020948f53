import { h, mount } from '../lib/dom.ts';
import { api, query } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import type { Region } from '../lib/catalog.ts';
import type { SessionUser } from '../lib/session.ts';
import { INCIDENT_VIEWERS, actionText, incidentActions, reasonText, type Incident } from '../lib/incidents.ts';
import { t, label, fmtDate } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';

const PAGE = 50;
const STATUSES = ['open', 'retried', 'resolved', 'all'] as const;

/** Filters live in the URL, as on the task list, so a reload or a shared link shows the same rows. */
function filtersFrom(search: URLSearchParams) {
  const status = search.get('status') ?? 'open';
  return {
    region: search.get('region') ?? '',
    status: (STATUSES as readonly string[]).includes(status) ? status : 'open',
    offset: Number(search.get('offset') ?? 0) || 0,
  };
}

/**
 * Incidents of the user's regions: cases whose engine step failed and was rolled back.
 * Designers and admins retry them after a fix; they and dispatchers may instead close the
 * case with a reason the citizen reads. Leaders and auditors see them read-only.
 */
export async function incidentsPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  const session = requireRole(outlet, INCIDENT_VIEWERS);
  if (!session) return;
  const me = session.user;
  const f = filtersFrom(search);
  const go = (changes: Record<string, string | number>) => {
    const next = { ...f, offset: 0, ...changes };
    navigate(`/incidents${query({ region: next.region, status: next.status === 'open' ? '' : next.status, offset: next.offset || '' })}`);
  };

  // Only an admin spans regions; everyone else sees their own region's incidents.
  const regions = me.regionId ? [] : (await api<{ items: Region[] }>('GET', '/regions').catch(() => ({ items: [] as Region[] }))).items;
  const select = (name: string, value: string, options: Array<[string, string]>) =>
    h('select', { name, onchange: (e: Event) => go({ [name]: (e.target as HTMLSelectElement).value }) }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  const filters = h(
    'form',
    { class: 'filters', 'data-test': 'incident-filters', onsubmit: (e: Event) => e.preventDefault() },
    me.regionId ? null : h('label', null, t('audit.region'), select('region', f.region, [['', t('common.any')], ...regions.map((r): [string, string] => [r.id, r.name])])),
    h('label', null, t('incidents.status'), select('status', f.status, STATUSES.map((s): [string, string] => [s, t(`incidents.status.${s}`)]))),
  );
  const body = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, t('common.loading')));
  mount(
    outlet,
    h('section', { class: 'page incidents' }, h('div', { class: 'page-head' }, h('h1', null, t('incidents.title')), h('p', { class: 'muted small' }, t('incidents.lead'))), filters, body),
  );

  let result: { items: Incident[]; total: number };
  try {
    result = await api('GET', `/incidents${query({ region: f.region, status: f.status, limit: PAGE, offset: f.offset })}`);
  } catch (err) {
    mount(body, errorBox(err));
    return;
  }

  const showRegion = !me.regionId;
  const showStatus = f.status !== 'open';
  const heads = [t('case.no'), showRegion ? t('audit.region') : null, t('incidents.element'), t('incidents.reason'), t('incidents.message'), t('incidents.time'), t('incidents.attempts'), showStatus ? t('incidents.status') : null, ''];
  const last = Math.min(f.offset + PAGE, result.total);
  mount(
    body,
    result.items.length
      ? h(
          'table',
          { class: 'grid incidents', 'data-test': 'incident-table' },
          h('thead', null, h('tr', null, heads.filter((c) => c !== null).map((c) => h('th', null, c)))),
          h('tbody', null, result.items.map((inc) => incidentRow(inc, me, { showRegion, showStatus, regions }))),
        )
      : h('p', { class: 'empty-note' }, f.status === 'open' ? t('incidents.noneOpen') : t('incidents.none')),
    h(
      'div',
      { class: 'pager' },
      h('span', { class: 'muted' }, t('common.range', { from: result.total ? f.offset + 1 : 0, to: last, total: result.total })),
      h('button', { type: 'button', disabled: f.offset === 0, onclick: () => go({ offset: Math.max(0, f.offset - PAGE) }) }, t('common.prev')),
      h('button', { type: 'button', disabled: last >= result.total, onclick: () => go({ offset: f.offset + PAGE }) }, t('common.next')),
    ),
  );
}

interface RowOptions {
  showRegion: boolean;
  showStatus: boolean;
  regions: Region[];
}

/**
 * One incident. After an action the row is read again from the server and redrawn in place,
 * keeping the outcome beside it: a failed retry shows the new attempt count and message.
 */
function incidentRow(inc: Incident, me: SessionUser, opts: RowOptions, notice?: HTMLElement): HTMLTableRowElement {
  const note = notice ?? h('div', { class: 'incident-notice' });
  const redraw = async () => {
    try {
      const fresh = await api<Incident>('GET', `/incidents/${inc.id}`);
      row.replaceWith(incidentRow(fresh, me, opts, note));
    } catch {
      // The notice already says what happened; the row keeps its last known state.
    }
  };
  const actions = inc.status === 'open' ? incidentActions(inc, me, note, () => void redraw()) : null;
  const closed = inc.status !== 'open';
  const row = h(
    'tr',
    { class: `incident-${inc.status}`, 'data-incident-id': inc.id, 'data-case-id': inc.caseId },
    h('td', { 'data-label': t('case.no') }, h('a', { href: `/cases/${inc.caseId}`, 'data-action': 'open-case' }, inc.caseNo), h('div', { class: 'muted small' }, inc.caseTitle)),
    opts.showRegion ? h('td', { 'data-label': t('audit.region') }, opts.regions.find((r) => r.id === inc.regionId)?.name ?? inc.regionId) : null,
    h('td', { 'data-label': t('incidents.element') }, inc.elementId ? h('code', null, inc.elementId) : h('span', { class: 'muted' }, '—')),
    h('td', { 'data-label': t('incidents.reason') }, h('strong', { class: 'reason', 'data-reason': inc.reason }, reasonText(inc.reason)), h('div', { class: 'muted small' }, actionText(inc.action))),
    h('td', { 'data-label': t('incidents.message'), class: 'message' }, inc.message),
    h(
      'td',
      { 'data-label': t('incidents.time') },
      fmtDate(inc.createdAt),
      closed && inc.closedAt ? h('div', { class: 'muted small' }, t(`incidents.closed.${inc.status}`, { at: fmtDate(inc.closedAt), by: inc.closedBy ?? '' })) : null,
      inc.resolution ? h('div', { class: 'small resolution' }, t('incidents.resolution'), ': ', inc.resolution) : null,
    ),
    h('td', { 'data-label': t('incidents.attempts'), class: 'attempts' }, String(inc.attempts)),
    opts.showStatus ? h('td', { 'data-label': t('incidents.status') }, h('span', { class: `status incident-${inc.status}` }, label('incidents.status', inc.status))) : null,
    h('td', { class: 'incident-cell' }, actions, note),
  );
  return row;
}
