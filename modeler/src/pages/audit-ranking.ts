import { h, mount } from '../lib/dom.ts';
import { unitLabel } from '../lib/units.ts';
import { RANKED_RATES, isRankedRate, rankRows, type Breakdown, type RankOrder, type RankedRate } from '../lib/ranking.ts';
import { t, label, fmtPercent } from '../i18n/index.ts';

/** What the ranking reads of GET /metrics (the same answer the page's tiles show). */
export interface RankingMetrics {
  byGroup?: Breakdown[];
  byCategory?: Breakdown[];
  groupNames?: Record<string, string>;
  categoryNames?: Record<string, string>;
  definitions?: { rates?: Record<string, { numerator: string; denominator: string }> };
}

const RATE_LABEL: Record<RankedRate, string> = {
  responseRate: 'audit.responseRate',
  resolutionRate: 'audit.resolutionRate',
  satisfactionRate: 'audit.satisfactionRate',
  onTimeClosureRate: 'audit.onTimeRate',
};

/** The server's key for cases no unit was chosen for yet (METRICS.unassignedGroup). */
const UNASSIGNED = '(unassigned)';

/**
 * 考核排名: the period's units and categories ranked by a chosen rate, worst or best first,
 * each rate with the counts it divides. The choice lives in the URL (`rank`, `order`) so a
 * link or a reload shows the same order; changing it re-sorts without asking the server again.
 */
export function rankingCard(m: RankingMetrics, search: URLSearchParams): HTMLElement {
  let rate: RankedRate = isRankedRate(search.get('rank')) ? (search.get('rank') as RankedRate) : 'responseRate';
  let order: RankOrder = search.get('order') === 'best' ? 'best' : 'worst';
  const tables = h('div', { class: 'ranking-tables' });
  const choose = h(
    'form',
    { class: 'filters ranking-sort', 'data-test': 'ranking-sort' },
    h('label', null, t('ranking.sortBy'), h('select', { name: 'rank' }, RANKED_RATES.map((r) => h('option', { value: r, selected: r === rate }, t(RATE_LABEL[r]))))),
    h('label', null, t('ranking.order'), h('select', { name: 'order' }, (['worst', 'best'] as const).map((o) => h('option', { value: o, selected: o === order }, t(`ranking.order.${o}`))))),
  );
  choose.addEventListener('change', () => {
    const data = new FormData(choose);
    rate = isRankedRate(data.get('rank')) ? (data.get('rank') as RankedRate) : rate;
    order = data.get('order') === 'best' ? 'best' : 'worst';
    const url = new URL(location.href);
    url.searchParams.set('rank', rate);
    url.searchParams.set('order', order);
    history.replaceState(history.state, '', url);
    render();
  });

  const unitName = (key: string) => (key === UNASSIGNED ? t('ranking.unassigned') : unitLabel(key, m.groupNames));
  const categoryName = (key: string) => (key ? m.categoryNames?.[key] ?? label('category', key) : t('ranking.noCategory'));

  function render() {
    mount(
      tables,
      rankingTable({ test: 'units', title: t('ranking.units'), head: t('ranking.unit'), nameOf: unitName, rows: m.byGroup ?? [] }, m, rate, order),
      rankingTable({ test: 'categories', title: t('ranking.categories'), head: t('ranking.category'), nameOf: categoryName, rows: m.byCategory ?? [] }, m, rate, order),
    );
  }
  render();
  return h('div', { class: 'card ranking', 'data-test': 'ranking' }, h('h2', null, t('ranking.title')), choose, tables);
}

interface RankingPart {
  test: string;
  title: string;
  /** The first column's heading (承办单位, 类别). */
  head: string;
  nameOf: (key: string) => string;
  rows: Breakdown[];
}

/** One ranking table: rank, name with its code, cases, and each rate over its counts. */
function rankingTable({ test, title, head, nameOf, rows }: RankingPart, m: RankingMetrics, rate: RankedRate, order: RankOrder) {
  const counts = (r: Breakdown, name: RankedRate) => {
    const def = m.definitions?.rates?.[name];
    return def ? `${r.counts[def.numerator] ?? 0} / ${r.counts[def.denominator] ?? 0}` : '';
  };
  const body = rankRows(rows, rate, order).map((r, i) => {
    const name = nameOf(r.key);
    return h(
      'tr',
      { 'data-key': r.key },
      h('td', { class: 'num' }, String(i + 1)),
      // The code beside the name: units are found by their name, the 考核 files keep the code.
      h('td', { class: 'name' }, name, name !== r.key && r.key ? h('code', { class: 'muted small' }, r.key) : null),
      h('td', { class: 'num' }, String(r.counts.received ?? 0)),
      RANKED_RATES.map((rn) =>
        h('td', { class: `num${rn === rate ? ' sorted' : ''}`, 'data-rate': rn }, h('span', { class: 'rate' }, fmtPercent(r.rates[rn])), h('span', { class: 'muted small' }, counts(r, rn))),
      ),
    );
  });
  return h(
    'section',
    { class: 'ranking-part' },
    h('h3', null, title),
    rows.length
      ? h(
          'div',
          { class: 'ranking-wrap' },
          h(
            'table',
            { class: 'grid ranking', 'data-test': `ranking-${test}`, 'data-order': `${rate}:${order}` },
            h('thead', null, h('tr', null, h('th', { class: 'num' }, t('ranking.rank')), h('th', null, head), h('th', { class: 'num' }, t('ranking.cases')), RANKED_RATES.map((rn) => h('th', { class: `num${rn === rate ? ' sorted' : ''}` }, t(RATE_LABEL[rn]))))),
            h('tbody', null, body),
          ),
        )
      : h('p', { class: 'empty-note' }, t('ranking.none')),
  );
}
