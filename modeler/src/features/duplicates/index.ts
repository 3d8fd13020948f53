import { h, mount } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { t, label } from '../../i18n/index.ts';

/** One suggestion of `GET /cases/:id/duplicates` or `POST /cases/duplicates` (server/duplicates/find.ts). */
export interface Suggestion {
  id: number;
  caseNo: string;
  title: string;
  status: string;
  address: string | null;
  createdAt: string;
  distanceMeters: number | null;
  similarity: number;
  ageHours: number;
  near: boolean;
  similar: boolean;
}

export interface SuggestionAnswer {
  method: 'trgm' | 'bigram';
  withinMeters: number;
  windowHours: number;
  items: Suggestion[];
}

/** What the intake form has typed so far. */
export interface Draft {
  region: string;
  category: string;
  lat?: number;
  lng?: number;
  text: string;
}

const age = (hours: number) => (hours < 1 ? t('dup.justNow') : t('dup.age', { age: hours < 48 ? t('unit.hour', { n: Math.round(hours) }) : t('unit.day', { n: Math.round(hours / 24) }) }));

/** Why a case is suggested, in the operator's words: "120 米 · 文字相近 62% · 3 小时前". */
function reasons(s: Suggestion): string {
  const parts = [];
  if (s.distanceMeters !== null) parts.push(t('dup.distance', { m: s.distanceMeters }));
  if (s.similar) parts.push(t('dup.similar', { p: Math.round(s.similarity * 100) }));
  parts.push(age(s.ageHours));
  return parts.join(' · ');
}

/**
 * The list of suggestions: number (opens the case in a new tab, the call stays
 * on this page), title, why, and a button per row (`pickLabel`) for what the
 * page does with it — 并单 on the intake page, the parent's number on the case page.
 */
export function suggestionList(answer: SuggestionAnswer, pick: ((s: Suggestion) => void) | null, pickLabel = t('dup.pick')): HTMLElement {
  if (!answer.items.length) return h('p', { class: 'muted small', 'data-test': 'dup-none' }, t('dup.none', { m: answer.withinMeters, h: answer.windowHours }));
  return h(
    'ul',
    { class: 'dup-list', 'data-test': 'dup-list' },
    answer.items.map((s) =>
      h(
        'li',
        { class: `dup-item${s.near ? ' near' : ''}`, 'data-case-id': s.id, 'data-case-no': s.caseNo },
        h('div', { class: 'dup-head' }, h('a', { href: `/cases/${s.id}`, target: '_blank', rel: 'noopener' }, s.caseNo), h('span', { class: 'status' }, label('status', s.status))),
        h('div', null, s.title),
        s.address ? h('div', { class: 'muted small' }, s.address) : null,
        h('div', { class: 'muted small' }, reasons(s)),
        pick ? h('button', { type: 'button', class: 'dup-pick', 'data-action': 'dup-pick', onclick: () => pick(s) }, pickLabel) : null,
      ),
    ),
  );
}

/**
 * For the case page's 并单 form (modeler/src/features/case-actions): the case's
 * suggestions in `slot`; picking one hands its number to `pick`.
 */
export function mountDuplicates(slot: HTMLElement, caseId: number, pick: (caseNo: string) => void): void {
  mount(slot, h('p', { class: 'muted small' }, t('common.loading')));
  void api<SuggestionAnswer>('GET', `/cases/${caseId}/duplicates`)
    .then((answer) => mount(slot, h('div', { class: 'field-label' }, t('dup.title')), suggestionList(answer, (s) => pick(s.caseNo), t('dup.useAsParent'))))
    .catch((err) => mount(slot, h('p', { class: 'muted small' }, err instanceof Error ? err.message : String(err))));
}

/** Waits this long after the last keystroke before asking: one request per pause, not per character. */
const TYPING_PAUSE_MS = 500;

/**
 * The intake form's panel: `update(draft)` on every change; it asks the server
 * once typing pauses, and only for a draft with a category and a point or some
 * text. An answer to an older draft never replaces a newer one.
 */
export function draftDuplicatesPanel(pick: (s: Suggestion) => void): { element: HTMLElement; update(draft: Draft | null): void } {
  const body = h('div', { class: 'dup-body' }, h('p', { class: 'muted small' }, t('dup.hint')));
  const element = h('aside', { class: 'card dup-panel', 'data-test': 'dup-panel', 'aria-live': 'polite' }, h('h2', null, t('dup.title')), body);
  let timer: number | undefined;
  let asked = 0;
  let last = '';
  return {
    element,
    update(draft) {
      window.clearTimeout(timer);
      const ready = draft && draft.category && (draft.text.trim().length >= 2 || draft.lat !== undefined);
      if (!ready) {
        last = '';
        mount(body, h('p', { class: 'muted small' }, t('dup.hint')));
        return;
      }
      const key = JSON.stringify(draft);
      if (key === last) return;
      timer = window.setTimeout(async () => {
        const mine = ++asked;
        last = key;
        try {
          const answer = await api<SuggestionAnswer>('POST', '/cases/duplicates', { body: draft });
          if (mine === asked) mount(body, suggestionList(answer, pick));
        } catch (err) {
          if (mine === asked) mount(body, h('p', { class: 'muted small' }, err instanceof Error ? err.message : String(err)));
        }
      }, TYPING_PAUSE_MS);
    },
  };
}
