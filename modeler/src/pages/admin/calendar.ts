import { h, mount, toast } from '../../lib/dom.ts';
import { api, ApiError } from '../../lib/api.ts';
import { t, fmtDate, label } from '../../i18n/index.ts';
import { errorBox } from '../guard.ts';

type Kind = 'holiday' | 'workday';
interface Day {
  day: string;
  kind: Kind;
  name: string | null;
}

/** GET /calendar/:region/:year (server/sla/calendar-store.ts readYear). */
export interface YearView {
  region: string;
  year: number;
  loaded: boolean;
  loadedBy: Array<{ region: string; source: string | null; by: string; at: string }>;
  workdays: number;
  days: Day[];
  ownDays: Day[];
  officeHours: { timeZone: string; periods: Array<[string, string]> };
}

interface NoticePreview {
  days: Day[];
  outside: Day[];
  holidays: Array<{ name: string; from: string; to: string; days: number; workdays: string[] }>;
}

const pad = (n: number) => String(n).padStart(2, '0');
const NOTICE_SOURCE = '国务院办公厅节假日安排通知';
const CONSOLE_SOURCE = '系统管理页面';

/** What a click makes of the region's own entry for a day: none → 放假 → 调休上班 → none. */
const NEXT: Record<string, Kind | null> = { none: 'holiday', holiday: 'workday', workday: null };

/**
 * The calendar tab (工作日历): a year as twelve month grids — holidays, 调休 working days and
 * weekends — where a click changes the region's own entry for a day, and the State Council's
 * notice, pasted, is read by the server into the year's days for a look before saving.
 * Days the region does not set itself come from `default` and are drawn as inherited.
 */
export async function calendarTab(region: string, year = new Date().getFullYear()): Promise<HTMLElement> {
  const enc = encodeURIComponent(region);
  const card = h('section', { class: 'card', 'data-test': 'admin-calendar' }, h('p', { class: 'muted' }, t('common.loading')));
  let view: YearView;
  try {
    view = await api<YearView>('GET', `/calendar/${enc}/${year}`);
  } catch (err) {
    mount(card, errorBox(err));
    return card;
  }
  let own = new Map(view.ownDays.map((d) => [d.day, d]));
  const inherited = new Map(view.days.filter((d) => !own.has(d.day)).map((d) => [d.day, d]));
  let source = CONSOLE_SOURCE;
  let dirty = false;

  const yearPicker = h(
    'select',
    { name: 'year', 'data-test': 'calendar-year' },
    [year - 1, year, year + 1, year + 2].map((y) => h('option', { value: y, selected: y === year }, t('admin.cal.year', { year: y }))),
  );
  yearPicker.addEventListener('change', async () => {
    if (dirty && !confirm(t('admin.cal.discard'))) return void (yearPicker.value = String(year));
    card.replaceWith(await calendarTab(region, Number(yearPicker.value)));
  });
  const grid = h('div', { class: 'year-grid', 'data-test': 'year-grid' });
  const summary = h('p', { class: 'muted small', 'data-test': 'calendar-summary' });
  const error = h('div', { class: 'alert error', role: 'alert', 'data-test': 'calendar-error', hidden: true });

  function stateOf(day: string, weekday: number): { state: string; name: string | null; mine: boolean } {
    const o = own.get(day);
    if (o) return { state: o.kind, name: o.name, mine: true };
    const i = inherited.get(day);
    if (i) return { state: i.kind, name: i.name, mine: false };
    return { state: weekday === 0 || weekday === 6 ? 'weekend' : 'normal', name: null, mine: false };
  }

  function month(m: number): HTMLElement {
    const first = new Date(Date.UTC(year, m, 1));
    const length = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
    const lead = (first.getUTCDay() + 6) % 7; // weeks start on Monday, as Chinese calendars print them
    const cells: HTMLElement[] = Array.from({ length: lead }, () => h('span', { class: 'day blank' }));
    for (let d = 1; d <= length; d += 1) {
      const day = `${year}-${pad(m + 1)}-${pad(d)}`;
      const weekday = new Date(Date.UTC(year, m, d)).getUTCDay();
      const s = stateOf(day, weekday);
      const mark = s.state === 'holiday' ? t('admin.cal.mark.holiday') : s.state === 'workday' ? t('admin.cal.mark.workday') : '';
      cells.push(
        h(
          'button',
          {
            type: 'button', class: `day ${s.state}${s.mine ? ' own' : ''}`, 'data-day': day, 'data-state': s.state,
            title: [day, s.name, t(`admin.cal.state.${s.state}`), s.mine ? '' : s.state === 'holiday' || s.state === 'workday' ? t('admin.cal.inherited') : ''].filter(Boolean).join(' · '),
            onclick: () => toggle(day),
          },
          h('span', { class: 'n' }, String(d)),
          mark ? h('span', { class: 'mark' }, mark) : null,
        ),
      );
    }
    return h(
      'div',
      { class: 'month', 'data-month': m + 1 },
      h('h4', null, t('admin.cal.month', { m: m + 1 })),
      h('div', { class: 'week-head' }, t('admin.cal.weekdays').split(',').map((w) => h('span', null, w))),
      h('div', { class: 'days' }, cells),
    );
  }

  function toggle(day: string) {
    const now = own.get(day)?.kind ?? 'none';
    const next = NEXT[now];
    if (next) own.set(day, { day, kind: next, name: next === 'workday' ? t('admin.cal.madeUp') : null });
    else own.delete(day);
    dirty = true;
    render();
  }

  function render() {
    mount(grid, Array.from({ length: 12 }, (_, m) => month(m)));
    const holidays = [...own.values()].filter((d) => d.kind === 'holiday').length;
    const workdays = own.size - holidays;
    summary.textContent = [
      t('admin.cal.ownCount', { holidays, workdays }),
      view.loadedBy.filter((l) => l.region === region).map((l) => t('admin.cal.loadedBy', { by: l.by, at: fmtDate(l.at), source: l.source ?? '—' }))[0] ?? t('admin.cal.notLoaded'),
      dirty ? t('admin.cat.unsaved') : '',
    ].filter(Boolean).join(' · ');
  }

  async function save() {
    error.hidden = true;
    try {
      view = await api<YearView>('PUT', `/calendar/${enc}/${year}`, { body: { source, days: [...own.values()].sort((a, b) => a.day.localeCompare(b.day)) } });
      own = new Map(view.ownDays.map((d) => [d.day, d]));
      dirty = false;
      toast(t('admin.saved'));
      render();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      error.hidden = false;
    }
  }

  const noticeText = h('textarea', { name: 'notice', rows: 6, placeholder: t('admin.cal.noticeHint'), 'data-test': 'notice-text' });
  const preview = h('div', { 'data-test': 'notice-preview' });

  /** The page's words for a problem's code; the server's English for a code it does not know. */
  const whyNot = (l: { code: string; reason: string }) => {
    const words = label('admin.cal.why', l.code);
    return words === l.code ? l.reason : words;
  };

  async function readNotice() {
    mount(preview);
    try {
      const p = await api<NoticePreview>('POST', `/calendar/${enc}/${year}/notice`, { body: { text: noticeText.value } });
      mount(
        preview,
        h('ul', { class: 'notice-list' }, p.holidays.map((x) => h('li', null, h('strong', null, x.name), ` ${x.from.slice(5)} – ${x.to.slice(5)}，${t('admin.cal.daysOff', { n: x.days })}`, x.workdays.length ? `；${t('admin.cal.workOn', { days: x.workdays.map((w) => w.slice(5)).join('、') })}` : ''))),
        p.outside.length ? h('p', { class: 'muted small' }, t('admin.cal.outside', { days: p.outside.map((d) => d.day).join('、') })) : null,
        h(
          'div',
          { class: 'form-actions' },
          h('button', {
            type: 'button', class: 'primary', 'data-action': 'apply-notice',
            onclick: () => {
              own = new Map(p.days.map((d) => [d.day, d]));
              source = NOTICE_SOURCE;
              dirty = true;
              mount(preview, h('p', { class: 'alert ok' }, t('admin.cal.applied', { n: p.days.length })));
              render();
            },
          }, t('admin.cal.apply', { n: p.days.length })),
        ),
      );
    } catch (err) {
      const lines: Array<{ line: number; text: string; code: string; reason: string }> = err instanceof ApiError && Array.isArray(err.details?.lines) ? err.details.lines : [];
      const headline = err instanceof ApiError && err.code === 'notice_other_year' ? t('admin.cal.otherYear', { notice: err.details?.year ?? '?', year }) : err instanceof ApiError && err.code === 'notice_unreadable' ? (lines.length ? t('admin.cal.unreadableLines', { n: lines.length }) : t('admin.cal.noArrangement')) : err instanceof Error ? err.message : String(err);
      mount(
        preview,
        h('div', { class: 'alert error', role: 'alert' }, headline),
        lines.length
          ? h(
              'table',
              { class: 'grid', 'data-test': 'notice-errors' },
              h('thead', null, h('tr', null, [t('admin.cal.line'), t('admin.cal.lineText'), t('admin.cat.problem')].map((c) => h('th', null, c)))),
              h('tbody', null, lines.map((l) => h('tr', null, h('td', { 'data-label': t('admin.cal.line') }, String(l.line)), h('td', { 'data-label': t('admin.cal.lineText') }, l.text), h('td', { 'data-label': t('admin.cat.problem') }, whyNot(l))))),
            )
          : null,
      );
    }
  }

  mount(
    card,
    h('h2', null, t('admin.tab.calendar')),
    h('p', { class: 'muted small' }, t('admin.cal.lead')),
    h('div', { class: 'row cal-head' }, yearPicker, h('button', { type: 'button', class: 'primary', 'data-action': 'save-calendar', onclick: () => void save() }, t('admin.cal.save'))),
    summary,
    error,
    h(
      'div',
      { class: 'cal-legend small' },
      ['holiday', 'workday', 'weekend', 'normal'].map((s) => h('span', { class: `day ${s}` }, t(`admin.cal.state.${s}`))),
      h('span', { class: 'day holiday own' }, t('admin.cal.ownLegend')),
    ),
    grid,
    h(
      'details',
      { class: 'notice-import', 'data-test': 'notice-import' },
      h('summary', null, t('admin.cal.importNotice')),
      h('p', { class: 'muted small' }, t('admin.cal.noticeLead')),
      noticeText,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', 'data-action': 'read-notice', onclick: () => void readNotice() }, t('admin.cal.readNotice'))),
      preview,
    ),
  );
  render();
  return card;
}
