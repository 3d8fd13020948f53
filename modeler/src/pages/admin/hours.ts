import { h, mount, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { t } from '../../i18n/index.ts';
import { errorBox } from '../guard.ts';
import { clearFormError, errorSlot, field, showFormError } from './form.ts';
import type { YearView } from './calendar.ts';

/** As many periods as the server takes (server/sla/calendar-store.ts hoursBodySchema). */
const MAX_PERIODS = 6;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * The office hours tab (办公时间): the time zone and the opening periods of a working day
 * (上午 08:30–12:00, 下午 14:30–17:30), which working-hour limits (`4wh`) count in.
 * Checked here first, in the page's words, with the same rule the server keeps.
 */
export async function hoursTab(region: string): Promise<HTMLElement> {
  const enc = encodeURIComponent(region);
  const card = h('section', { class: 'card', 'data-test': 'admin-hours' }, h('p', { class: 'muted' }, t('common.loading')));
  let hours: YearView['officeHours'];
  try {
    hours = (await api<YearView>('GET', `/calendar/${enc}/${new Date().getFullYear()}`)).officeHours;
  } catch (err) {
    mount(card, errorBox(err));
    return card;
  }
  const periods = hours.periods.map((p) => [...p] as [string, string]);
  const error = errorSlot();
  const zone = h('input', { name: 'timeZone', value: hours.timeZone, placeholder: 'Asia/Shanghai', autocapitalize: 'off' });
  const list = h('div', { class: 'full period-list', 'data-test': 'periods' });
  const form = h(
    'form',
    { class: 'admin-form', 'data-test': 'hours-form', novalidate: true },
    field('timeZone', t('admin.hours.timeZone'), zone),
    list,
    h('div', { class: 'full' }, error),
    h(
      'div',
      { class: 'full form-actions' },
      h('button', { type: 'button', 'data-action': 'add-period', onclick: () => (periods.length < MAX_PERIODS ? (periods.push(['', '']), render()) : undefined) }, t('admin.hours.add')),
      h('button', { type: 'submit', class: 'primary', 'data-action': 'save-hours' }, t('admin.hours.save')),
    ),
  );

  function render() {
    mount(
      list,
      h('span', { class: 'field-label' }, t('admin.hours.periods')),
      periods.map((p, i) =>
        h(
          'div',
          { class: 'row period', 'data-period': i },
          [0, 1].map((end) => {
            const input = h('input', { type: 'time', name: `period-${i}-${end}`, value: p[end as 0 | 1], required: true, 'aria-label': t(end ? 'admin.hours.close' : 'admin.hours.open') });
            input.addEventListener('input', () => (p[end as 0 | 1] = input.value));
            return input;
          }),
          periods.length > 1 ? h('button', { type: 'button', class: 'small', 'data-action': 'remove-period', onclick: () => (periods.splice(i, 1), render()) }, t('admin.hours.remove')) : null,
        ),
      ),
      h('span', { class: 'field-error', role: 'alert', 'data-field-error': 'periods' }),
    );
  }

  /** The server's rule: HH:MM pairs, each opening before it closes, in order, not overlapping. */
  function problem(): string | null {
    let last = '';
    for (const [a, b] of periods) {
      if (!CLOCK.test(a) || !CLOCK.test(b)) return t('admin.hours.badTime');
      if (a >= b) return t('admin.hours.backwards', { open: a, close: b });
      if (last && a < last) return t('admin.hours.overlap', { open: a });
      last = b;
    }
    return null;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    const wrong = problem();
    const slot = list.querySelector<HTMLElement>('[data-field-error=periods]')!;
    slot.textContent = wrong ?? '';
    if (wrong) return;
    try {
      await api('PUT', `/calendar/${enc}/hours`, { body: { timeZone: zone.value.trim() || 'Asia/Shanghai', periods } });
      toast(t('admin.saved'));
    } catch (err) {
      showFormError(form, error, err);
    }
  });

  mount(card, h('h2', null, t('admin.tab.hours')), h('p', { class: 'muted small' }, t('admin.hours.lead')), form);
  render();
  return card;
}
