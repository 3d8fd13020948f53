import { h, mount, formValues, toast } from '../lib/dom.ts';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { t, label, fmtDate, getLang } from '../i18n/index.ts';
import { MESSAGES, type MessageKey } from '../i18n/messages.ts';
import { errorBox } from './guard.ts';
import { categoryText } from '../lib/catalog.ts';

type Row = Record<string, any>;

/** Public progress of a case by number and tracking code; the evaluation once it is replied/closed. */
export async function citizenTrackPage(outlet: HTMLElement, params: Record<string, string>, search: URLSearchParams): Promise<void> {
  const caseNo = params.caseNo ?? '';
  const code = search.get('code') ?? '';
  const lookup = h(
    'form',
    { class: 'card narrow stack', 'data-test': 'track-form' },
    h('h1', null, t('track.title')),
    h('label', null, t('case.no'), h('input', { name: 'caseNo', value: caseNo, required: true, autocomplete: 'off' })),
    h('label', null, t('citizen.code'), h('input', { name: 'code', value: code, required: true, autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'primary' }, t('track.search')),
  );
  lookup.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(lookup) as Record<string, string>;
    navigate(`/track/${encodeURIComponent(v.caseNo.trim())}?code=${encodeURIComponent(v.code.trim())}`);
  });
  const result = h('div', { class: 'narrow' });
  mount(outlet, lookup, result);
  if (!caseNo || !code) return;

  let r: Row;
  try {
    r = await api<Row>('GET', `/track/${encodeURIComponent(caseNo)}?code=${encodeURIComponent(code)}`);
  } catch (err) {
    mount(result, errorBox(err));
    return;
  }
  const steps: Array<{ at: string; step: string; detail?: string }> = r.steps ?? [];
  const evaluation = r.evaluation as { score: number } | null;
  const canEvaluate = r.canEvaluate === true;
  mount(
    result,
    h(
      'section',
      { class: 'card stack', 'data-test': 'track-result' },
      h('h2', null, r.title ?? r.caseNo, ' ', h('span', { class: `status ${r.stage ?? r.status}`, 'data-test': 'track-status' }, stageText(r))),
      h('p', { class: 'muted small' }, r.caseNo, r.category ? ` · ${categoryText(r.categoryPath, label('category', r.category))}` : '', r.submittedAt ? ` · ${fmtDate(r.submittedAt)}` : ''),
      h(
        'dl',
        { class: 'incident-facts', 'data-test': 'track-facts' },
        r.unit ? [h('dt', null, t('track.unit')), h('dd', { 'data-test': 'track-unit' }, r.unit)] : null,
        r.expectedAt ? [h('dt', null, t('track.expected')), h('dd', { 'data-test': 'track-expected' }, fmtDate(r.expectedAt))] : null,
        r.mergedInto ? [h('dt', null, t('track.mergedInto')), h('dd', { 'data-test': 'track-merged-into' }, r.mergedInto)] : null,
      ),
      h(
        'ol',
        { class: 'timeline', 'data-test': 'track-steps' },
        steps.map((s) => h('li', null, h('time', null, fmtDate(s.at)), h('span', { class: 'event' }, stepText(s)), s.detail ? h('div', { class: 'small' }, s.detail) : null)),
      ),
      r.yourPhotos?.length ? h('div', { 'data-test': 'track-your-photos' }, h('h3', null, t('track.yourPhotos')), photoLinks(caseNo, code, r.yourPhotos)) : null,
      r.reply ? h('div', { class: 'reply', 'data-test': 'track-reply' }, h('h3', null, t('track.reply')), h('p', null, r.reply.text), photoLinks(caseNo, code, r.reply.photos ?? [])) : null,
      evaluation ? h('p', { class: 'alert ok', 'data-test': 'evaluated' }, t('track.evaluated', { score: evaluation.score ?? '' })) : null,
      canEvaluate ? evaluationForm(caseNo, code) : null,
    ),
  );
}

/** Where the request stands: 已答复 once replied, 已办结 after the evaluation or closing, or how it left the ordinary path. */
function stageText(r: Row): string {
  if (r.stage === 'merged' && r.mergedInto && !r.reply) return t('track.stage.mergedInto', { caseNo: r.mergedInto });
  return STAGES[r.stage as string] ? t(STAGES[r.stage as string]) : label('status', r.status);
}
const STAGES: Record<string, MessageKey> = {
  handling: 'track.stage.handling', replied: 'track.stage.replied', closed: 'track.stage.closed',
  not_accepted: 'track.stage.not_accepted', transferred: 'track.stage.transferred', merged: 'track.stage.merged',
};

type Step = { at: string; key?: string; name?: string; elementId?: string; step: string; detail?: string };

/** A step in the chosen language: the process's task name (in English a known task's own name), then what happened to it. */
function stepText(s: Step): string {
  const key = `track.step.${s.key}` as MessageKey;
  if (!s.key || !(key in MESSAGES)) return s.step;
  if (!s.name) return t(key);
  const base = s.elementId?.match(/^(dispatch|verify|resolve|replyInvalid|reply|veteransService)/)?.[1];
  const taskKey = `track.task.${base}` as MessageKey;
  const name = getLang() === 'en' && base && taskKey in MESSAGES ? t(taskKey) : s.name;
  return t(key, { name });
}

/** Reply photos and the citizen's own are public with the tracking code, so plain image links work. */
function photoLinks(caseNo: string, code: string, photos: Array<{ id: number; mediaType: string }>): HTMLElement | null {
  if (!photos.length) return null;
  const src = (id: number) => `/api/v1/track/${encodeURIComponent(caseNo)}/attachments/${id}?code=${encodeURIComponent(code)}`;
  return h('div', { class: 'photos' }, photos.map((p) => (p.mediaType.startsWith('image/') ? h('a', { href: src(p.id), target: '_blank', class: 'photo' }, h('img', { src: src(p.id), alt: '' })) : h('a', { href: src(p.id), target: '_blank' }, `#${p.id}`))));
}

function evaluationForm(caseNo: string, code: string): HTMLElement {
  const form = h(
    'form',
    { class: 'stack evaluation', 'data-test': 'evaluation-form' },
    h('h3', null, t('track.evaluate')),
    h('div', { class: 'stars', role: 'radiogroup', 'aria-label': t('track.score') }, [5, 4, 3, 2, 1].map((n) => h('label', { title: String(n) }, h('input', { type: 'radio', name: 'score', value: n, required: true }), h('span', null, '★')))),
    h('label', null, t('track.comment'), h('textarea', { name: 'comment', rows: 3, maxlength: 1000 })),
    h('button', { type: 'submit', class: 'primary' }, t('track.send')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form) as Record<string, string>;
    const score = Number(new FormData(form).get('score'));
    if (!score) return toast(t('track.needScore'), 'error');
    try {
      await api('POST', `/track/${encodeURIComponent(caseNo)}/evaluation?code=${encodeURIComponent(code)}`, { body: { code, score, comment: v.comment } });
      toast(t('track.thanks'));
      navigate(location.pathname + location.search, true);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  });
  return form;
}
