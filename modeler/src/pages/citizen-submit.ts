import { h, mount, formValues } from '../lib/dom.ts';
import { api, ApiError } from '../lib/api.ts';
import type { Region } from '../lib/catalog.ts';
import { categoryPicker } from '../lib/category-picker.ts';
import { t } from '../i18n/index.ts';
import { errorBox } from './guard.ts';
import { showFieldErrors } from '../lib/task-form.ts';

interface Created {
  id: number;
  caseNo: string;
  status: string;
  trackingCode?: string;
}

/** The citizen's request form (no login), phone-first layout. */
export async function citizenSubmitPage(outlet: HTMLElement): Promise<void> {
  let regions: Region[];
  try {
    regions = (await api<{ items: Region[] }>('GET', '/regions')).items.filter((r) => r.id !== 'default');
  } catch (err) {
    mount(outlet, errorBox(err));
    return;
  }
  // One key per filled-in form: a retried submit (flaky mobile network) never makes two cases.
  const idempotencyKey = crypto.randomUUID();
  let point: { lat: number; lng: number } | null = null;

  // The category comes from the chosen region's own catalogue (it may add 供暖, hide or retire a
  // node), so the picker waits for the region: a default list first would let a citizen pick a
  // node their region does not take.
  const picker = categoryPicker();
  const categoryNote = h('span', { class: 'muted small', 'data-test': 'category-note' }, t('citizen.regionFirst'));
  picker.element.hidden = true;
  const showCategories = async (regionId: string) => {
    picker.element.hidden = !regionId;
    categoryNote.hidden = Boolean(regionId);
    categoryNote.textContent = t('citizen.regionFirst');
    if (!regionId) return;
    if (await picker.load(regionId)) return;
    categoryNote.textContent = t('citizen.noCatalogue');
    categoryNote.hidden = false;
  };
  const pointText = h('span', { class: 'muted small', 'data-test': 'point' });
  const error = h('div', { class: 'alert error', role: 'alert', hidden: true });
  const field = (name: string, text: string, control: HTMLElement | HTMLElement[], hint?: string) =>
    h('div', { class: 'field', 'data-field': name }, h('span', { class: 'field-label' }, text), control, hint ? h('span', { class: 'muted small' }, hint) : null, h('div', { class: 'field-error', role: 'alert' }));

  const form = h(
    'form',
    { class: 'card narrow stack citizen', 'data-test': 'citizen-form', novalidate: true },
    h('h1', null, t('citizen.title')),
    h('p', { class: 'muted' }, t('citizen.lead')),
    field(
      'region',
      t('citizen.region'),
      h('select', { name: 'region', required: true, onchange: (e: Event) => void showCategories((e.target as HTMLSelectElement).value) }, h('option', { value: '' }, t('common.choose')), regions.map((r) => h('option', { value: r.id }, r.name))),
    ),
    field('category', t('case.category'), [categoryNote, picker.element]),
    field('title', t('citizen.summary'), h('input', { name: 'title', maxlength: 200, required: true, placeholder: t('citizen.summaryHint') })),
    field('description', t('citizen.description'), h('textarea', { name: 'description', rows: 4, maxlength: 5000 })),
    field(
      'location',
      t('citizen.location'),
      h('div', { class: 'row' }, h('input', { name: 'address', class: 'grow', maxlength: 300, placeholder: t('citizen.addressHint') }), h('button', { type: 'button', onclick: locate }, t('citizen.usePoint'))),
    ),
    pointText,
    field('contact', t('citizen.phone'), h('input', { name: 'phone', type: 'tel', inputmode: 'tel', maxlength: 20, placeholder: '1xx xxxx xxxx' }), t('citizen.phoneHint')),
    field('photo', t('citizen.photo'), h('input', { name: 'photo', type: 'file', accept: 'image/*', capture: 'environment' })),
    error,
    h('button', { type: 'submit', class: 'primary big' }, t('citizen.submit')),
  );

  function locate() {
    if (!navigator.geolocation) return;
    pointText.textContent = t('citizen.locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        point = { lat: pos.coords.latitude, lng: pos.coords.longitude };
        pointText.textContent = `📍 ${point.lat.toFixed(5)}, ${point.lng.toFixed(5)}`;
      },
      () => (pointText.textContent = t('citizen.noPoint')),
      { timeout: 10_000 },
    );
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const v = formValues(form) as Record<string, string>;
    const local = [
      ...(!v.region ? [{ field: 'region', rule: 'required', message: t('citizen.need.region') }] : []),
      ...(!picker.value() ? [{ field: 'category', rule: 'required', message: t('citizen.need.category') }] : []),
      ...(!v.title.trim() ? [{ field: 'title', rule: 'required', message: t('citizen.need.title') }] : []),
      ...(v.phone && !/^[0-9+\- ]{5,20}$/.test(v.phone) ? [{ field: 'contact', rule: 'format', message: t('citizen.need.phone') }] : []),
    ];
    showFieldErrors(form, local);
    if (local.length) return;
    const location = v.address || point ? { ...(v.address ? { address: v.address } : {}), ...(point ?? {}) } : undefined;
    const body = { region: v.region, category: picker.value(), title: v.title.trim(), description: v.description, location, contact: v.phone ? { phone: v.phone.replace(/\s/g, '') } : undefined, channel: 'web' };
    try {
      const created = await api<Created>('POST', '/cases', { body, headers: { 'idempotency-key': idempotencyKey } });
      const photo = (form.elements.namedItem('photo') as HTMLInputElement).files?.[0];
      let photoNote: string | null = null;
      if (photo && created.trackingCode) {
        const fd = new FormData();
        fd.append('file', photo);
        try {
          await api('POST', `/track/${encodeURIComponent(created.caseNo)}/attachments?code=${encodeURIComponent(created.trackingCode)}`, { form: fd });
        } catch {
          photoNote = t('citizen.photoFailed');
        }
      }
      done(created, photoNote);
    } catch (err) {
      const rest = err instanceof ApiError && err.details?.fields ? showFieldErrors(form, (err.details.fields as Array<{ field: string; rule: string; message: string }>).map((p) => ({ ...p, field: p.field.split('.')[0] }))) : null;
      if (!rest || rest.length) {
        error.hidden = false;
        error.textContent = err instanceof Error ? err.message : String(err);
      }
    }
  });

  function done(created: Created, photoNote: string | null) {
    const trackUrl = `/track/${encodeURIComponent(created.caseNo)}${created.trackingCode ? `?code=${encodeURIComponent(created.trackingCode)}` : ''}`;
    mount(
      outlet,
      h(
        'section',
        { class: 'card narrow stack', 'data-test': 'citizen-done' },
        h('h1', null, t('citizen.thanks')),
        h('p', null, t('citizen.keep')),
        h('dl', { class: 'facts' }, h('dt', null, t('case.no')), h('dd', { 'data-test': 'case-no' }, created.caseNo), h('dt', null, t('citizen.code')), h('dd', { 'data-test': 'tracking-code' }, created.trackingCode ?? '—')),
        photoNote ? h('p', { class: 'alert' }, photoNote) : null,
        h('a', { class: 'button primary big', href: trackUrl }, t('citizen.trackNow')),
      ),
    );
  }

  mount(outlet, form);
}
