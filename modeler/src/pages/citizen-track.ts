import { h, mount, formValues, toast } from '../lib/dom.ts';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { t, label, fmtDate } from '../i18n/index.ts';
import { errorBox } from './guard.ts';

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
  const steps: Row[] = r.steps ?? r.timeline ?? r.progress ?? [];
  const evaluation = r.evaluation ?? null;
  const canEvaluate = r.canEvaluate ?? (!evaluation && (r.status === 'closed' || steps.some((s) => s.elementId === 'evaluate' && !s.endedAt)));
  mount(
    result,
    h(
      'section',
      { class: 'card stack', 'data-test': 'track-result' },
      h('h2', null, r.title ?? caseNo, ' ', h('span', { class: `status ${r.status}`, 'data-test': 'track-status' }, label('status', r.status))),
      h('p', { class: 'muted small' }, caseNo, r.category ? ` · ${label('category', r.category)}` : '', r.createdAt ? ` · ${fmtDate(r.createdAt)}` : ''),
      h(
        'ol',
        { class: 'timeline', 'data-test': 'track-steps' },
        steps.map((s) => h('li', null, h('time', null, fmtDate(s.at ?? s.endedAt ?? s.startedAt ?? s.createdAt)), h('span', { class: 'event' }, s.name ?? s.label ?? label('event', s.type ?? s.step)), s.status ? h('span', { class: 'muted small' }, label('status', s.status)) : null)),
      ),
      r.reply ? h('div', { class: 'reply', 'data-test': 'track-reply' }, h('h3', null, t('track.reply')), h('p', null, typeof r.reply === 'string' ? r.reply : (r.reply.text ?? JSON.stringify(r.reply)))) : null,
      evaluation ? h('p', { class: 'alert ok', 'data-test': 'evaluated' }, t('track.evaluated', { score: evaluation.score ?? '' })) : null,
      canEvaluate ? evaluationForm(caseNo, code) : null,
    ),
  );
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
