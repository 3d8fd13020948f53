import { h, mount } from './dom.ts';
import { api } from './api.ts';
import { t } from '../i18n/index.ts';

/** A node of `GET /regions/:region/catalogue` (server/catalogue/json.ts nodeView). */
export interface CatalogueNode {
  code: string;
  name: string;
  keywords?: string[];
  active?: boolean;
  selectable: boolean;
  children: CatalogueNode[];
}

export interface CategoryPicker {
  element: HTMLElement;
  /** The chosen code ('' when none, or when only a branch is chosen and branches do not count). */
  value(): string;
  /** The names from the top down of the chosen node. */
  path(): string[];
  /**
   * Shows `region`'s catalogue (a region switch on the intake form); keeps the choice where it
   * still exists. False when the catalogue could not be read (the picker is then empty).
   */
  load(region: string): Promise<boolean>;
  set(code: string): void;
}

const MAX_HITS = 8;

/** Active nodes only: a retired node is kept for old cases, never offered for new ones. */
const active = (nodes: CatalogueNode[]): CatalogueNode[] => nodes.filter((n) => n.active !== false).map((n) => ({ ...n, children: active(n.children ?? []) }));

function trailTo(nodes: CatalogueNode[], code: string, above: CatalogueNode[] = []): CatalogueNode[] | null {
  for (const n of nodes) {
    if (n.code === code) return [...above, n];
    const deeper = trailTo(n.children, code, [...above, n]);
    if (deeper) return deeper;
  }
  return null;
}

/** Every node with its trail, for the keyword search. */
function flatten(nodes: CatalogueNode[], above: CatalogueNode[] = []): Array<{ node: CatalogueNode; trail: CatalogueNode[] }> {
  return nodes.flatMap((n) => [{ node: n, trail: [...above, n] }, ...flatten(n.children, [...above, n])]);
}

/**
 * 诉求分类 as a cascade of selects (top level, then its children, …) over a
 * region's active catalogue, with a keyword search across names, codes and the
 * nodes' keywords (`路灯` finds 公共设施). The chosen code is a hidden input
 * named `name`, so `formValues` reads it like any field. `branches`: a branch
 * counts as a choice (list filters: every case under it); otherwise only a
 * selectable node does (intake).
 */
export function categoryPicker(opts: { name?: string; branches?: boolean; onChange?: (code: string) => void } = {}): CategoryPicker {
  let tree: CatalogueNode[] = [];
  let chosen: CatalogueNode[] = [];
  let loads = 0;
  const hidden = h('input', { type: 'hidden', name: opts.name ?? 'category', value: '' });
  const levels = h('div', { class: 'picker-levels' });
  const hits = h('ul', { class: 'picker-hits', 'data-test': 'category-hits', hidden: true });
  const search = h('input', {
    type: 'search', class: 'picker-search', 'data-test': 'category-search', placeholder: t('picker.searchHint'), 'aria-label': t('picker.search'), autocomplete: 'off',
    oninput: () => showHits(search.value.trim()),
    onkeydown: (e: KeyboardEvent) => {
      if (e.key !== 'Enter') return;
      // Enter takes the first hit instead of submitting the form around the picker.
      e.preventDefault();
      (hits.querySelector('button') as HTMLButtonElement | null)?.click();
    },
  });
  const element = h('div', { class: 'category-picker', 'data-test': 'category-picker' }, search, hits, levels, hidden);

  const counts = (n: CatalogueNode) => opts.branches || n.selectable;
  const value = () => {
    const last = chosen[chosen.length - 1];
    return last && counts(last) ? last.code : '';
  };

  function choose(trail: CatalogueNode[]) {
    chosen = trail;
    const before = hidden.value;
    hidden.value = value();
    renderLevels();
    if (hidden.value !== before) opts.onChange?.(hidden.value);
  }

  function renderLevels() {
    const selects: HTMLSelectElement[] = [];
    let options = tree;
    for (let depth = 0; options.length; depth++) {
      const here = chosen[depth];
      const d = depth;
      const select = h(
        'select',
        { 'data-level': d, 'aria-label': t('picker.level', { n: d + 1 }) },
        h('option', { value: '' }, d === 0 ? t('common.choose') : opts.branches ? t('picker.allUnder') : t('common.choose')),
        options.map((n) => h('option', { value: n.code, selected: n.code === here?.code }, n.name)),
      );
      // This level's options, not the loop variable's last value.
      const levelOptions = options;
      select.onchange = () => {
        const picked = levelOptions.find((n) => n.code === select.value);
        choose(picked ? [...chosen.slice(0, d), picked] : chosen.slice(0, d));
      };
      selects.push(select);
      if (!here) break;
      options = here.children;
    }
    mount(levels, selects);
  }

  function showHits(text: string) {
    if (!text) {
      hits.hidden = true;
      return;
    }
    const needle = text.toLowerCase();
    const found = flatten(tree)
      .filter(({ node }) => counts(node))
      .filter(({ node }) => [node.name, node.code, ...(node.keywords ?? [])].some((w) => w.toLowerCase().includes(needle)))
      .slice(0, MAX_HITS);
    mount(
      hits,
      found.length
        ? found.map(({ trail }) =>
            h('li', null, h('button', { type: 'button', class: 'link', 'data-test': 'category-hit', 'data-code': trail[trail.length - 1]!.code, onclick: () => {
              search.value = '';
              hits.hidden = true;
              choose(trail);
            } }, trail.map((n) => n.name).join(' / '))),
          )
        : h('li', { class: 'muted small' }, t('picker.none')),
    );
    hits.hidden = false;
  }

  return {
    element,
    value,
    path: () => chosen.map((n) => n.name),
    set(code) {
      choose(trailTo(tree, code) ?? []);
    },
    async load(region) {
      const keep = chosen[chosen.length - 1]?.code;
      const mine = ++loads;
      let nodes: CatalogueNode[] | null;
      try {
        nodes = active((await api<{ nodes: CatalogueNode[] }>('GET', `/regions/${encodeURIComponent(region)}/catalogue`)).nodes ?? []);
      } catch {
        nodes = null;
      }
      // A slower answer for a region switched away from never replaces the later region's tree.
      if (mine !== loads) return true;
      tree = nodes ?? [];
      choose(keep ? trailTo(tree, keep) ?? [] : []);
      // Words typed while the catalogue was on its way (a slow phone link) are searched now.
      if (search.value.trim()) showHits(search.value.trim());
      return nodes !== null;
    },
  };
}
