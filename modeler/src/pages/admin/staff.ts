import { h, mount, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { t, label } from '../../i18n/index.ts';
import { clearFormError, errorSlot, field, showFormError, valueOf } from './form.ts';
import type { Unit } from './units.ts';

/** A staff account as GET /users?roles=all answers it. */
export interface StaffMember {
  username: string;
  displayName: string;
  role: string;
  region: string | null;
  groups: string[];
  active: boolean;
}

/** The roles an admin gives a region's staff; admin itself belongs to no region. */
const REGION_ROLES = ['dispatcher', 'handler', 'leader', 'designer', 'auditor'] as const;

/**
 * The staff card: every account of the region (deactivated ones too), with deactivate /
 * reactivate and a password reset per row, and a form to create one in the region's units.
 */
export function staffCard(region: string, staff: StaffMember[], units: Unit[], saved: () => void): HTMLElement {
  const unitName = (code: string) => units.find((u) => u.code === code)?.name ?? code;
  return h(
    'section',
    { class: 'card', 'data-test': 'admin-staff' },
    h('h2', null, t('admin.staff')),
    staff.length
      ? h(
          'table',
          { class: 'grid', 'data-test': 'staff-table' },
          h('thead', null, h('tr', null, [t('admin.user.username'), t('admin.user.displayName'), t('admin.user.role'), t('admin.user.units'), t('admin.user.status'), ''].map((c) => h('th', null, c)))),
          h('tbody', null, staff.map((u) => staffRow(u, unitName, saved))),
        )
      : h('p', { class: 'empty-note' }, t('admin.user.none')),
    newStaffForm(region, units, saved),
  );
}

function staffRow(u: StaffMember, unitName: (code: string) => string, saved: () => void): HTMLTableRowElement {
  const cell = h('td', { class: 'admin-row-actions' });
  const patch = async (body: Record<string, unknown>, done: string, slot: HTMLElement, form: HTMLElement) => {
    clearFormError(form, slot);
    try {
      await api('PATCH', `/users/${encodeURIComponent(u.username)}`, { body });
      toast(done);
      saved();
    } catch (err) {
      showFormError(form, slot, err);
    }
  };
  const actions = () => {
    const error = errorSlot();
    mount(
      cell,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: `small${u.active ? ' danger' : ''}`, 'data-action': u.active ? 'deactivate' : 'reactivate', onclick: () => void patch({ active: !u.active }, u.active ? t('admin.user.deactivated') : t('admin.user.reactivated'), error, cell) }, u.active ? t('admin.user.deactivate') : t('admin.user.reactivate')),
        h('button', { type: 'button', class: 'small', 'data-action': 'reset-password', onclick: resetForm }, t('admin.user.resetPassword')),
      ),
      error,
    );
  };
  const resetForm = () => {
    const error = errorSlot();
    const form = h(
      'form',
      { class: 'stack', 'data-test': 'password-form', novalidate: true },
      field('password', t('admin.user.newPassword'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 10, required: true }), t('admin.user.passwordHint')),
      error,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'small primary', 'data-action': 'reset-password-ok' }, t('common.ok')), h('button', { type: 'button', class: 'small', onclick: actions }, t('common.cancel'))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void patch({ password: valueOf(form, 'password', true) }, t('admin.user.passwordReset'), error, form);
    });
    mount(cell, form);
  };
  actions();
  return h(
    'tr',
    { 'data-username': u.username, class: u.active ? '' : 'inactive' },
    h('td', { 'data-label': t('admin.user.username') }, h('code', null, u.username)),
    h('td', { 'data-label': t('admin.user.displayName') }, u.displayName),
    h('td', { 'data-label': t('admin.user.role') }, label('role', u.role)),
    h('td', { 'data-label': t('admin.user.units') }, u.groups.length ? u.groups.map(unitName).join('、') : '—'),
    h('td', { 'data-label': t('admin.user.status'), 'data-test': 'staff-status' }, h('span', { class: `status ${u.active ? 'closed' : 'incident'}` }, u.active ? t('admin.user.active') : t('admin.user.inactive'))),
    cell,
  );
}

function newStaffForm(region: string, units: Unit[], saved: () => void): HTMLFormElement {
  const error = errorSlot();
  const form = h(
    'form',
    { class: 'admin-form', 'data-test': 'staff-form', novalidate: true },
    h('h3', { class: 'full' }, t('admin.user.newTitle')),
    field('username', t('admin.user.username'), h('input', { name: 'username', required: true, autocomplete: 'off', autocapitalize: 'off', placeholder: `${region}.handler2` })),
    field('displayName', t('admin.user.displayName'), h('input', { name: 'displayName', required: true })),
    field('password', t('admin.user.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 10, required: true }), t('admin.user.passwordHint')),
    field('role', t('admin.user.role'), h('select', { name: 'role' }, REGION_ROLES.map((r) => h('option', { value: r, selected: r === 'handler' }, label('role', r))))),
    h(
      'fieldset',
      { class: 'full field units-pick', 'data-field': 'groups' },
      h('legend', null, t('admin.user.units')),
      units.map((u) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'groups', value: u.code }), u.name, h('code', { class: 'muted small' }, u.code))),
      h('span', { class: 'field-error', role: 'alert' }),
    ),
    h('div', { class: 'full' }, error),
    h('div', { class: 'full form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'create-user' }, t('admin.user.create'))),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    const groups = Array.from(form.querySelectorAll<HTMLInputElement>('input[name=groups]:checked')).map((c) => c.value);
    const body = { username: valueOf(form, 'username'), password: valueOf(form, 'password', true), displayName: valueOf(form, 'displayName'), role: valueOf(form, 'role'), region, groups };
    try {
      await api('POST', '/users', { body });
      toast(t('admin.user.created', { username: body.username }));
      saved();
    } catch (err) {
      showFormError(form, error, err);
    }
  });
  return form;
}
