import { h } from '../lib/dom.ts';
import { t, fmtDate } from '../i18n/index.ts';

/** What the case row may carry from Open311 (issue 13 item 7). */
interface CitizenInput {
  attributes?: Record<string, string | string[]> | null;
  citizenUpdates?: Array<{ id: number; body: string; at: string; mediaUrl?: string | null }>;
}

/**
 * The Open311 `attribute[…]` answers the request came with, and citizens' updates posted
 * since (servicerequestupdates): staff read them beside the description. Nothing when there are none.
 */
export function citizenInput(caseDetail: object): HTMLElement | null {
  // The case page's own type does not list these (read.ts adds them): read them as what they are.
  const detail = caseDetail as CitizenInput;
  const attributes = Object.entries(detail.attributes ?? {});
  const updates = detail.citizenUpdates ?? [];
  if (!attributes.length && !updates.length) return null;
  return h(
    'div',
    { class: 'card', 'data-test': 'citizen-input' },
    attributes.length
      ? [h('h2', null, t('case.attributes')), h('dl', { class: 'incident-facts', 'data-test': 'case-attributes' }, attributes.map(([k, v]) => [h('dt', null, k), h('dd', null, Array.isArray(v) ? v.join('、') : v)]))]
      : null,
    updates.length
      ? [
          h('h2', null, t('case.citizenUpdates')),
          h('ol', { class: 'timeline', 'data-test': 'citizen-updates' }, updates.map((u) => h('li', null, h('time', null, fmtDate(u.at)), h('div', null, u.body), u.mediaUrl ? h('a', { href: u.mediaUrl, target: '_blank', rel: 'noopener noreferrer' }, u.mediaUrl) : null))),
        ]
      : null,
  );
}
