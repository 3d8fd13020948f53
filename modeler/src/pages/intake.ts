import { h, mount, formValues } from '../lib/dom.ts';
import { api, ApiError } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { URGENCIES } from '../lib/catalog.ts';
import { categoryPicker } from '../lib/category-picker.ts';
import { showFieldErrors } from '../lib/task-form.ts';
import { draftDuplicatesPanel, type Draft, type Suggestion } from '../features/duplicates/index.ts';
import { regionVocabulary, termLabel, type Term } from '../lib/vocabulary.ts';
import { t } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';

/** Who takes calls: the hotline's dispatchers, and leaders and admins standing in. */
export const INTAKE_ROLES = ['dispatcher', 'leader', 'admin'];

interface Created {
  id: number;
  caseNo: string;
  trackingCode: string;
}

/** A number from a text box, or undefined when empty or not a number. */
const numberOf = (v: string | boolean | undefined) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/**
 * 来电登记: the operator types while the caller talks. Duplicate suggestions
 * follow the category, point and words typed; "是同一件" marks one, and the
 * call is then registered as its own case and merged (并单) into it at once —
 * the caller keeps a case number and tracking code of their own and gets the
 * parent's reply (README: The 12345 desk).
 */
export async function intakePage(outlet: HTMLElement): Promise<void> {
  const session = requireRole(outlet, INTAKE_ROLES);
  if (!session) return;
  let regions: Array<{ id: string; name: string }> = [];
  if (!session.user.regionId) {
    try {
      regions = (await api<{ items: Array<{ id: string; name: string }> }>('GET', '/regions')).items.filter((r) => r.id !== 'default');
    } catch (err) {
      mount(outlet, errorBox(err));
      return;
    }
  }
  // One key per call taken: a retried submit (a dropped connection) never makes two cases.
  const idempotencyKey = crypto.randomUUID();
  let mergeInto: Suggestion | null = null;

  const picker = categoryPicker({ onChange: () => changed() });
  const dup = draftDuplicatesPanel((s) => {
    mergeInto = s;
    renderMergeNote();
  });
  const mergeNote = h('div', { class: 'alert merge-note', 'data-test': 'merge-note', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary big', 'data-action': 'intake-submit' }, t('intake.submit'));
  const error = h('div', { class: 'alert error', role: 'alert', hidden: true });
  const field = (name: string, text: string, control: HTMLElement | HTMLElement[], required = false) =>
    h('div', { class: 'field', 'data-field': name }, h('span', { class: 'field-label' }, text, required ? h('span', { class: 'req' }, ' *') : null), control, h('div', { class: 'field-error', role: 'alert' }));
  /** A select over a region's list; keeps the operator's choice where the new region has it too. */
  const select = (name: 'channel' | 'requestType' | 'urgency', terms: Term[], preferred: string) => {
    const current = (form.elements.namedItem(name) as HTMLSelectElement | null)?.value;
    const chosen = [current, preferred].find((c) => terms.some((x) => x.code === c)) ?? terms[0]?.code;
    return h('select', { name }, terms.map((x) => h('option', { value: x.code, selected: x.code === chosen }, termLabel(name, x.code, x.name))));
  };
  // 渠道, 诉求类型 and the urgency names are the region's (its rules), read again when the region changes.
  const vocabularyRow = h('div', { class: 'intake-row', 'data-test': 'intake-vocabulary' });
  async function loadVocabulary(region: string) {
    try {
      const v = await regionVocabulary(region || 'default');
      mount(
        vocabularyRow,
        field('channel', t('intake.channel'), select('channel', v.channels, 'hotline')),
        field('requestType', t('intake.requestType'), select('requestType', v.requestTypes, 'help')),
        field('urgency', t('case.urgency'), select('urgency', URGENCIES.map((u) => ({ code: u, name: v.urgencyNames[u] ?? u })), 'normal')),
      );
    } catch (err) {
      mount(vocabularyRow, errorBox(err));
    }
  }

  const regionSelect = session.user.regionId
    ? h('input', { type: 'hidden', name: 'region', value: session.user.regionId })
    : h('select', { name: 'region', required: true, onchange: () => void Promise.all([picker.load(regionSelect.value), loadVocabulary(regionSelect.value)]).then(changed) }, h('option', { value: '' }, t('common.choose')), regions.map((r) => h('option', { value: r.id }, r.name)));
  const anonymous = h('input', { type: 'checkbox', name: 'anonymous', 'data-test': 'anonymous', onchange: () => {
    // 匿名: nothing of the caller is taken down.
    for (const n of ['callerName', 'phone']) {
      const input = form.elements.namedItem(n) as HTMLInputElement;
      input.disabled = anonymous.checked;
      if (anonymous.checked) input.value = '';
    }
  } });

  const form: HTMLFormElement = h(
    'form',
    { class: 'card stack intake-form', 'data-test': 'intake-form', novalidate: true, oninput: () => changed() },
    session.user.regionId ? regionSelect : field('region', t('citizen.region'), regionSelect, true),
    h(
      'fieldset',
      { class: 'intake-caller' },
      h('legend', null, t('intake.caller')),
      h('div', { class: 'intake-row' },
        field('callerName', t('intake.callerName'), h('input', { name: 'callerName', maxlength: 50, autocomplete: 'off' })),
        field('contact', t('intake.phone'), h('input', { name: 'phone', type: 'tel', inputmode: 'tel', maxlength: 20, autocomplete: 'off', placeholder: '1xx xxxx xxxx' }), true),
      ),
      h('div', { class: 'row wrap' },
        h('label', { class: 'check' }, anonymous, ' ', t('intake.anonymous')),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'confidential', 'data-test': 'confidential' }), ' ', t('intake.confidential')),
      ),
    ),
    vocabularyRow,
    field('category', t('case.category'), picker.element, true),
    field('title', t('citizen.summary'), h('input', { name: 'title', maxlength: 200, required: true, placeholder: t('citizen.summaryHint') }), true),
    field('description', t('citizen.description'), h('textarea', { name: 'description', rows: 4, maxlength: 5000 })),
    h('div', { class: 'intake-row' },
      field('location', t('intake.address'), h('input', { name: 'address', maxlength: 300 })),
      field('community', t('intake.community'), h('input', { name: 'community', maxlength: 100 })),
    ),
    h('div', { class: 'intake-row' },
      field('lat', t('intake.lat'), h('input', { name: 'lat', inputmode: 'decimal', maxlength: 12, placeholder: '40.8' })),
      field('lng', t('intake.lng'), h('input', { name: 'lng', inputmode: 'decimal', maxlength: 12, placeholder: '111.7' })),
    ),
    mergeNote,
    error,
    submit,
  );

  function draft(): Draft | null {
    const v = formValues(form);
    const region = String(v.region ?? '');
    const category = picker.value();
    if (!region || !category) return null;
    const lat = numberOf(v.lat);
    const lng = numberOf(v.lng);
    return { region, category, ...(lat !== undefined && lng !== undefined ? { lat, lng } : {}), text: `${v.title ?? ''} ${v.description ?? ''}`.trim() };
  }
  function changed() {
    dup.update(draft());
  }
  function renderMergeNote() {
    mergeNote.hidden = !mergeInto;
    submit.textContent = mergeInto ? t('intake.submitMerge') : t('intake.submit');
    if (!mergeInto) return;
    mount(mergeNote, t('intake.mergeInto', { caseNo: mergeInto.caseNo, title: mergeInto.title }), ' ', h('button', { type: 'button', class: 'link', 'data-action': 'merge-cancel', onclick: () => ((mergeInto = null), renderMergeNote()) }, t('intake.mergeCancel')));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const v = formValues(form) as Record<string, string | boolean>;
    const str = (k: string) => String(v[k] ?? '').trim();
    const phone = str('phone').replace(/\s/g, '');
    const lat = numberOf(v.lat);
    const lng = numberOf(v.lng);
    const local = [
      ...(!str('region') ? [{ field: 'region', rule: 'required', message: t('citizen.need.region') }] : []),
      ...(!picker.value() ? [{ field: 'category', rule: 'required', message: t('citizen.need.category') }] : []),
      ...(!str('title') ? [{ field: 'title', rule: 'required', message: t('citizen.need.title') }] : []),
      ...(!v.anonymous && !/^\+?[0-9][0-9-]{4,19}$/.test(phone) ? [{ field: 'contact', rule: 'format', message: t('intake.needPhone') }] : []),
      ...((lat === undefined) !== (lng === undefined) || (str('lat') && lat === undefined) ? [{ field: 'lat', rule: 'format', message: t('intake.needPoint') }] : []),
    ];
    showFieldErrors(form, local);
    if (local.length) return;
    const location = str('address') || lat !== undefined ? { ...(str('address') ? { address: str('address') } : {}), ...(lat !== undefined ? { lat, lng } : {}) } : undefined;
    const body = {
      region: str('region'), category: picker.value(), title: str('title'), description: str('description'), community: str('community') || undefined, location,
      channel: str('channel'), urgency: str('urgency'), requestType: str('requestType'), confidential: Boolean(v.confidential), anonymous: Boolean(v.anonymous) || undefined,
      contact: v.anonymous ? undefined : { phone, ...(str('callerName') ? { name: str('callerName') } : {}) },
    };
    submit.disabled = true;
    try {
      const created = await api<Created>('POST', '/cases', { body, headers: { 'idempotency-key': idempotencyKey } });
      let merged: { caseNo: string } | null = null;
      let mergeError: string | null = null;
      if (mergeInto) {
        try {
          await api('POST', `/cases/${created.id}/merge`, { body: { parentId: mergeInto.id, reason: t('intake.mergeReason') } });
          merged = { caseNo: mergeInto.caseNo };
        } catch (err) {
          mergeError = err instanceof Error ? err.message : String(err);
        }
      }
      done(created, merged, mergeError);
    } catch (err) {
      submit.disabled = false;
      const rest = err instanceof ApiError && err.details?.fields ? showFieldErrors(form, (err.details.fields as Array<{ field: string; rule: string; message: string }>).map((p) => ({ ...p, field: p.field.split('.')[0]! }))) : null;
      if (!rest || rest.length) {
        error.hidden = false;
        error.textContent = err instanceof Error ? err.message : String(err);
      }
    }
  });

  function done(created: Created, merged: { caseNo: string } | null, mergeError: string | null) {
    mount(
      outlet,
      h(
        'section',
        { class: 'card narrow stack', 'data-test': 'intake-done' },
        h('h1', null, t('intake.done')),
        h('p', null, t('intake.readOut')),
        h('dl', { class: 'facts' },
          h('dt', null, t('case.no')), h('dd', { 'data-test': 'case-no' }, created.caseNo),
          h('dt', null, t('citizen.code')), h('dd', { 'data-test': 'tracking-code' }, created.trackingCode),
        ),
        merged ? h('p', { class: 'alert', 'data-test': 'merged-into' }, t('intake.merged', { caseNo: merged.caseNo })) : null,
        mergeError ? h('p', { class: 'alert error', role: 'alert' }, t('intake.mergeFailed', { error: mergeError })) : null,
        h('div', { class: 'row wrap' },
          h('a', { class: 'button primary', 'data-action': 'open-case', href: `/cases/${created.id}` }, t('intake.openCase')),
          h('button', { type: 'button', 'data-action': 'next-call', onclick: () => navigate('/intake') }, t('intake.next')),
        ),
      ),
    );
  }

  mount(outlet, h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', null, t('intake.title')), h('span', { class: 'muted' }, t('intake.lead'))), h('div', { class: 'intake-grid' }, form, dup.element)));
  await Promise.all([loadVocabulary(session.user.regionId ?? 'default'), session.user.regionId ? picker.load(session.user.regionId) : null]);
}
