import { h, mount, toast } from '../../lib/dom.ts';
import { api, ApiError } from '../../lib/api.ts';
import { t, label } from '../../i18n/index.ts';
import { errorBox } from '../guard.ts';
import type { CatalogueNodeView, CatalogueView } from './catalogue.ts';

/** A row of GET /sla/limits/:region: the region's own and `default`'s. */
interface LimitRow {
  region: string;
  category: string;
  urgency: string;
  response: string;
  resolution: string;
}

const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
const KINDS = ['response', 'resolution'] as const;
const ANY = '*';

const ISO = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const WORKING = /^(\d+(?:\.\d+)?)\s*(wd|wh)$/i;
const ISO_UNITS = ['admin.sla.unit.year', 'admin.sla.unit.month', 'admin.sla.unit.week', 'admin.sla.unit.day', 'admin.sla.unit.hour', 'admin.sla.unit.minute', 'admin.sla.unit.second'];

/**
 * A limit as a person reads it: `2wd` → "2 工作日", `PT4H` → "4 小时", `P1DT12H` → "1 天 12 小时";
 * null for what the server would refuse too (a zero duration, a typo).
 */
export function readableLimit(spec: string): string | null {
  const text = spec.trim();
  const w = WORKING.exec(text);
  if (w) return Number(w[1]) > 0 ? t(w[2]!.toLowerCase() === 'wd' ? 'admin.sla.unit.workday' : 'admin.sla.unit.workhour', { n: Number(w[1]) }) : null;
  const m = ISO.exec(text);
  if (!m || text.toUpperCase() === 'P' || /T$/i.test(text)) return null;
  const parts = m.slice(1).map((v, i) => (v && Number(v) > 0 ? t(ISO_UNITS[i]!, { n: Number(v) }) : null)).filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

/** Parent links of the catalogue, and each node's names from the top (城乡建设 / 供暖). */
function catalogueIndex(nodes: CatalogueNodeView[]) {
  const parent = new Map<string, string | null>();
  const path = new Map<string, string>();
  const order: string[] = [];
  const walk = (list: CatalogueNodeView[], up: string | null, names: string[]) =>
    list.forEach((n) => {
      parent.set(n.code, up);
      path.set(n.code, [...names, n.name].join(' / '));
      order.push(n.code);
      walk(n.children, n.code, [...names, n.name]);
    });
  walk(nodes, null, []);
  return { parent, path, order };
}

/**
 * The SLA limits tab (SLA 时限): one row per category (the catch-all `*` first), a cell per
 * urgency with the response and resolution limits. A cell without the region's own value
 * shows, greyed, what it inherits and from where, found as the server finds it
 * (server/sla/config-cache.ts limitFor: up the region's tree, its `*`, then the same in default).
 */
export async function limitsTab(region: string): Promise<HTMLElement> {
  const enc = encodeURIComponent(region);
  const card = h('section', { class: 'card', 'data-test': 'admin-limits' }, h('p', { class: 'muted' }, t('common.loading')));
  let rows: LimitRow[];
  let tree: CatalogueView;
  try {
    [rows, tree] = await Promise.all([api<{ limits: LimitRow[] }>('GET', `/sla/limits/${enc}`).then((r) => r.limits), api<CatalogueView>('GET', `/regions/${enc}/catalogue`)]);
  } catch (err) {
    mount(card, errorBox(err));
    return card;
  }
  const cat = catalogueIndex(tree.nodes);
  const key = (region: string, category: string, urgency: string) => `${region}|${category}|${urgency}`;
  let byKey = new Map(rows.map((r) => [key(r.region, r.category, r.urgency), r]));
  const shown = new Set<string>([ANY, ...rows.map((r) => r.category)]);
  const tableSlot = h('div', { class: 'table-wrap' });
  const error = h('div', { class: 'alert error', role: 'alert', 'data-test': 'limits-error', hidden: true });

  /** What a cell inherits: the first row on the server's walk other than the region's own for it. */
  function inherited(category: string, urgency: string): LimitRow | null {
    const trail: string[] = [];
    for (let c: string | null | undefined = category === ANY ? null : category; c; c = cat.parent.get(c)) trail.push(c);
    const keys = [region, 'default'].flatMap((at) => [...trail, ANY].map((c) => key(at, c, urgency)));
    for (const k of keys) if (k !== key(region, category, urgency) && byKey.has(k)) return byKey.get(k)!;
    return null;
  }
  const categoryName = (c: string) => (c === ANY ? t('admin.sla.anyCategory') : cat.path.get(c) ?? c);
  const sourceOf = (r: LimitRow) => t('admin.sla.from', { region: r.region === 'default' ? t('admin.sla.defaultRegion') : t('admin.sla.thisRegion'), category: categoryName(r.category) });

  function cell(category: string, urgency: string): HTMLElement {
    const own = byKey.get(key(region, category, urgency));
    const from = inherited(category, urgency);
    return h(
      'td',
      { 'data-label': label('urgency', urgency), 'data-cell': `${category}|${urgency}`, class: own ? 'own' : 'inherits' },
      KINDS.map((kind) => {
        const input = h('input', {
          name: `${category}|${urgency}|${kind}`, value: own?.[kind] ?? '', placeholder: from?.[kind] ?? '', autocapitalize: 'off', size: 6,
          'data-kind': kind, 'aria-label': `${categoryName(category)} ${label('urgency', urgency)} ${t(`admin.sla.${kind}`)}`,
        });
        const readable = h('span', { class: 'limit-readable small' });
        const show = () => {
          const v = input.value.trim();
          const r = v ? readableLimit(v) : from ? readableLimit(from[kind]) : null;
          readable.textContent = v ? (r ?? t('admin.sla.unreadable')) : r ? `${r}` : '—';
          readable.classList.toggle('muted', !v);
          readable.classList.toggle('bad', Boolean(v) && !r);
        };
        input.addEventListener('input', show);
        show();
        return h('label', { class: 'limit-input' }, h('span', { class: 'small muted' }, t(`admin.sla.${kind}`)), input, readable);
      }),
      !own && from ? h('span', { class: 'muted small limit-source' }, sourceOf(from)) : null,
      own ? h('button', { type: 'button', class: 'link small', 'data-action': 'clear-limit', onclick: (e: Event) => clear(e.currentTarget as HTMLElement) }, t('admin.sla.clear')) : null,
      h('span', { class: 'field-error', role: 'alert' }),
    );
  }

  function clear(button: HTMLElement) {
    const td = button.closest('td')!;
    td.querySelectorAll('input').forEach((i) => ((i.value = ''), i.dispatchEvent(new Event('input'))));
  }

  function render() {
    const cats = [...shown].sort((a, b) => (a === ANY ? -1 : b === ANY ? 1 : cat.order.indexOf(a) - cat.order.indexOf(b)));
    mount(
      tableSlot,
      h(
        'table',
        { class: 'grid limits', 'data-test': 'limits-table' },
        h('thead', null, h('tr', null, h('th', null, t('admin.sla.category')), URGENCIES.map((u) => h('th', null, label('urgency', u))))),
        h('tbody', null, cats.map((c) => h('tr', { 'data-category': c }, h('td', { 'data-label': t('admin.sla.category') }, h('strong', null, categoryName(c)), ' ', h('code', { class: 'small' }, c)), URGENCIES.map((u) => cell(c, u))))),
      ),
    );
  }

  const adder = h(
    'select',
    { name: 'addCategory', 'data-test': 'limits-add-category' },
    h('option', { value: '' }, t('admin.sla.addCategory')),
    cat.order.map((c) => h('option', { value: c }, `${cat.path.get(c)} (${c})`)),
  );
  adder.addEventListener('change', () => {
    if (adder.value) shown.add(adder.value);
    adder.value = '';
    render();
  });

  async function save() {
    error.hidden = true;
    tableSlot.querySelectorAll('td .field-error').forEach((e) => (e.textContent = ''));
    const limits: Array<{ category: string; urgency: string; response: string; resolution: string }> = [];
    const remove: Array<{ category: string; urgency: string }> = [];
    const cells: HTMLElement[] = [];
    let bad = false;
    for (const td of tableSlot.querySelectorAll<HTMLElement>('td[data-cell]')) {
      const [category, urgency] = td.dataset.cell!.split('|') as [string, string];
      const [response, resolution] = KINDS.map((k) => td.querySelector<HTMLInputElement>(`input[data-kind=${k}]`)!.value.trim());
      const own = byKey.get(key(region, category, urgency));
      const say = (text: string) => ((td.querySelector('.field-error')!.textContent = text), (bad = true));
      if (!response && !resolution) {
        if (own) remove.push({ category, urgency });
        continue;
      }
      if (own && own.response === response && own.resolution === resolution) continue;
      if (!response || !resolution) {
        say(t('admin.sla.bothNeeded'));
        continue;
      }
      if (!readableLimit(response!) || !readableLimit(resolution!)) {
        say(t('admin.sla.badDuration'));
        continue;
      }
      limits.push({ category, urgency, response: response!, resolution: resolution! });
      cells.push(td);
    }
    if (bad) return;
    if (!limits.length && !remove.length) return toast(t('admin.sla.nothing'));
    try {
      const res = await api<{ limits: LimitRow[] }>('PUT', `/sla/limits/${enc}`, { body: { limits, remove } });
      byKey = new Map(res.limits.map((r) => [key(r.region, r.category, r.urgency), r]));
      toast(t('admin.saved'));
      render();
    } catch (err) {
      // `limits.3.response`: the fourth cell sent; the server's sentence is English, so the page says it in its own words.
      const fields: Array<{ field: string }> = err instanceof ApiError && Array.isArray(err.details?.fields) ? err.details.fields : [];
      for (const f of fields) {
        const i = /^limits\.(\d+)\./.exec(f.field);
        const td = i ? cells[Number(i[1])] : undefined;
        if (td) td.querySelector('.field-error')!.textContent = t('admin.sla.badDuration');
      }
      const unknown: string[] = err instanceof ApiError && err.code === 'category_unknown' ? err.details?.categories ?? [] : [];
      error.textContent = unknown.length ? t('admin.sla.unknownCategory', { codes: unknown.join(', ') }) : err instanceof Error ? err.message : String(err);
      error.hidden = false;
    }
  }

  mount(
    card,
    h('h2', null, t('admin.tab.limits')),
    h('p', { class: 'muted small' }, t('admin.sla.lead')),
    tableSlot,
    error,
    h('div', { class: 'form-actions row' }, adder, h('button', { type: 'button', class: 'primary', 'data-action': 'save-limits', onclick: () => void save() }, t('admin.sla.save'))),
  );
  render();
  return card;
}
