import { h, mount } from '../../lib/dom.ts';
import { api, query } from '../../lib/api.ts';
import { t } from '../../i18n/index.ts';
import { requireRole, errorBox } from '../guard.ts';
import { regionsCard, type RegionView } from './regions.ts';
import { unitsCard, type Unit } from './units.ts';
import { staffCard, type StaffMember } from './staff.ts';
import { changesCard, type Change } from './changes.ts';
import { MAIN_TAB, SETUP_TABS, tabBar } from './tabs.ts';

/** Recent changes shown; the API pages further, the console needs only the latest. */
const CHANGES = 50;

/** jsonb columns may come back as text from some drivers. */
const parsed = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown> | null));

/**
 * The admin console: regions (create, edit), then — for the region the picker names — its units,
 * its staff and its change log. The picked region is kept in `?region=` so a reload stays on it.
 */
export async function adminPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  if (!requireRole(outlet, ['admin'])) return;
  const regionsSlot = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const picker = h('select', { name: 'region', 'data-test': 'region-picker' });
  const work = h('div', { class: 'admin-work', 'data-test': 'admin-work' });
  const tabsSlot = h('div');
  let tab = SETUP_TABS.some((x) => x.id === search.get('tab')) ? search.get('tab')! : MAIN_TAB;
  mount(
    outlet,
    h(
      'section',
      { class: 'page admin' },
      h('div', { class: 'page-head' }, h('h1', null, t('admin.title')), h('p', { class: 'muted small' }, t('admin.lead'))),
      regionsSlot,
      h('form', { class: 'filters admin-picker', onsubmit: (e: Event) => e.preventDefault() }, h('label', null, t('admin.workOn'), picker)),
      tabsSlot,
      work,
    ),
  );

  let picked = search.get('region') ?? '';
  picker.addEventListener('change', () => pick(picker.value));

  async function loadRegions(): Promise<void> {
    let regions: RegionView[];
    try {
      regions = (await api<{ items: RegionView[] }>('GET', '/regions')).items;
    } catch (err) {
      mount(regionsSlot, errorBox(err));
      return;
    }
    mount(regionsSlot, regionsCard(regions, () => void loadRegions().then(() => renderWork())));
    if (!regions.some((r) => r.id === picked)) picked = regions.find((r) => r.id !== 'default')?.id ?? regions[0]?.id ?? '';
    mount(picker, regions.map((r) => h('option', { value: r.id, selected: r.id === picked }, `${r.name} (${r.id})`)));
  }

  function pick(id: string) {
    picked = id;
    // The URL follows the choice without re-rendering the page (the router would start over).
    history.replaceState(null, '', `/admin${here()}`);
    void renderWork();
  }

  const here = () => query({ region: picked, tab: tab === MAIN_TAB ? undefined : tab });
  const pickTab = (id: string) => {
    tab = id;
    history.replaceState(null, '', `/admin${here()}`);
    void renderWork();
  };

  let rendering = 0;
  /** Units, staff and changes of the picked region, read again after every save in them. */
  async function renderWork(): Promise<void> {
    const mine = ++rendering;
    const region = picked;
    if (!region) return mount(work);
    mount(tabsSlot, tabBar([MAIN_TAB, ...SETUP_TABS.map((x) => x.id)], tab, pickTab));
    const setup = SETUP_TABS.find((x) => x.id === tab);
    if (setup) {
      mount(work, h('p', { class: 'muted' }, t('common.loading')));
      const units = await api<{ items: Unit[] }>('GET', `/groups${query({ region })}`).then((r) => r.items, () => []);
      const card = await setup.render(region, units);
      if (mine === rendering) mount(work, card);
      return;
    }
    const enc = encodeURIComponent(region);
    const [units, staff, changes] = await Promise.allSettled([
      api<{ items: Unit[] }>('GET', `/groups${query({ region })}`),
      api<{ items: StaffMember[] }>('GET', `/users${query({ region, roles: 'all' })}`),
      api<{ items: Change[] }>('GET', `/regions/${enc}/changes${query({ limit: CHANGES })}`),
    ]);
    // A slower answer for a region picked before must not overwrite the one picked now.
    if (mine !== rendering) return;
    const unitList = units.status === 'fulfilled' ? units.value.items : [];
    const again = () => void renderWork();
    mount(
      work,
      h('div', { class: 'admin-grid' }, units.status === 'fulfilled' ? unitsCard(region, unitList, again) : errorBox(units.reason), staff.status === 'fulfilled' ? staffCard(region, staff.value.items, unitList, again) : errorBox(staff.reason)),
      changes.status === 'fulfilled' ? changesCard(changes.value.items.map((c) => ({ ...c, before: parsed(c.before), after: parsed(c.after) }))) : errorBox(changes.reason),
    );
  }

  await loadRegions();
  if (picked !== (search.get('region') ?? '')) history.replaceState(null, '', `/admin${here()}`);
  await renderWork();
}
