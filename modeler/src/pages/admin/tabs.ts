import { h } from '../../lib/dom.ts';
import { t } from '../../i18n/index.ts';
import { catalogueTab } from './catalogue.ts';
import { limitsTab } from './limits.ts';
import { calendarTab } from './calendar.ts';
import { hoursTab } from './hours.ts';
import { rulesTab } from './rules.ts';
import type { Unit } from './units.ts';

/** A tab of the console beyond the first (units, staff, change log): what it shows for a region. */
export interface AdminTab {
  id: string;
  render: (region: string, units: Unit[]) => Promise<HTMLElement>;
}

/** The region's rules as data: 诉求分类, SLA 时限, 工作日历, 办公时间. */
export const SETUP_TABS: AdminTab[] = [
  { id: 'catalogue', render: (region, units) => catalogueTab(region, units) },
  { id: 'limits', render: (region) => limitsTab(region) },
  { id: 'calendar', render: (region) => calendarTab(region) },
  { id: 'hours', render: (region) => hoursTab(region) },
  { id: 'rules', render: (region) => rulesTab(region) },
];

/** The first tab, whose id the URL leaves out. */
export const MAIN_TAB = 'people';

/** The tab strip; `pick` runs with the id clicked. Each tab's label is `admin.tab.<id>`. */
export function tabBar(ids: string[], current: string, pick: (id: string) => void): HTMLElement {
  return h(
    'nav',
    { class: 'admin-tabs', role: 'tablist', 'data-test': 'admin-tabs' },
    ids.map((id) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(id === current), class: id === current ? 'active' : undefined, 'data-tab': id, onclick: () => pick(id) }, t(`admin.tab.${id}`))),
  );
}
