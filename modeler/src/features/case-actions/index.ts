import { h, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import type { SessionUser } from '../../lib/session.ts';
import { t, label, fmtDate } from '../../i18n/index.ts';
import { availableActions, extendable, type ActionCase, type ActionId, type ActionTask } from './available.ts';
import { actionForm, dueInput, field, isoOf, textArea, val } from './form.ts';
import { mountDuplicates } from '../duplicates/index.ts';

export { availableActions, type ActionCase, type ActionId } from './available.ts';

type Done = () => void;

/**
 * 工单操作: every action the viewer's role may take on this case in its state, each a small
 * form posting to its route (docs/ROUTES.md); after success a notice and the case reloads.
 * Null when there is nothing to do (auditors, a closed case for a handler).
 */
export function caseActionsPanel(c: ActionCase, user: SessionUser, reload: Done): HTMLElement | null {
  const ids = availableActions(c, user);
  if (!ids.length) return null;
  const after = (message: string) => {
    toast(message);
    reload();
  };
  return h('div', { class: 'card case-actions', 'data-test': 'case-actions' }, h('h2', null, t('actions.title')), ids.map((id) => BUILDERS[id](c, user, after)));
}

const BUILDERS: Record<ActionId, (c: ActionCase, user: SessionUser, after: (m: string) => void) => HTMLElement> = {
  merge: (c, _u, after) => {
    const suggestions = h('div', { class: 'duplicate-suggestions', 'data-test': 'merge-suggestions' });
    const box = actionForm('merge', t('actions.merge'), [suggestions, field(t('actions.parentCaseNo'), h('input', { name: 'parentNo', required: true, autocomplete: 'off', placeholder: c.caseNo.replace(/\d+$/, '…') })), field(t('actions.reason'), textArea('reason', false))], async (form) => {
      const parentId = await caseIdByNo(c.region, val(form, 'parentNo'));
      await api('POST', `/cases/${c.id}/merge`, { body: { parentId, reason: val(form, 'reason') || undefined } });
      after(t('actions.done.merge'));
    });
    // Open cases like this one (features/duplicates), asked for when the form opens; a pick fills the number.
    box.addEventListener('toggle', () => mountDuplicates(suggestions, c.id, (no) => void (box.querySelector<HTMLInputElement>('input[name=parentNo]')!.value = no)), { once: true });
    return box;
  },
  transfer: (c, _u, after) =>
    actionForm('transfer', t('actions.transfer'), [
      field(t('actions.transferTo'), h('select', { name: 'to', required: true }, transferOptions(c))),
      field(t('actions.reason'), textArea('reason')),
    ], async (form) => {
      await api('POST', `/cases/${c.id}/transfer`, { body: { to: val(form, 'to'), reason: val(form, 'reason') } });
      after(t('actions.done.transfer'));
    }, { danger: true, hint: t('actions.closesCase') }),
  notAccepted: (c, _u, after) =>
    actionForm('notAccepted', t('actions.notAccepted'), [field(t('actions.reason'), textArea('reason')), field(t('actions.legalRoute'), textArea('legalRoute'))], async (form) => {
      await api('POST', `/cases/${c.id}/not-accepted`, { body: { reason: val(form, 'reason'), legalRoute: val(form, 'legalRoute') } });
      after(t('actions.done.notAccepted'));
    }, { danger: true, hint: t('actions.closesCase') }),
  coHandle: (c, _u, after) => {
    const units = h('fieldset', { class: 'units', 'data-test': 'cohandle-units' }, h('legend', null, t('actions.coUnits')), h('p', { class: 'muted small' }, t('common.loading')));
    const lead = new Set(c.openTasks.flatMap((x) => x.candidateGroups));
    const box = actionForm('coHandle', t('actions.coHandle'), [units, field(t('actions.note'), textArea('note', false)), field(t('actions.dueAt'), dueInput('dueAt', false))], async (form) => {
      const groups = Array.from(form.querySelectorAll<HTMLInputElement>('input[name=group]:checked')).map((x) => x.value);
      await api('POST', `/cases/${c.id}/co-handlers`, { body: { groups, note: val(form, 'note') || undefined, dueAt: isoOf(val(form, 'dueAt')) } });
      after(t('actions.done.coHandle'));
    });
    // The units are read when the form opens, not with every case page.
    box.addEventListener('toggle', () => void fillUnits(units, c.region, lead), { once: true });
    return box;
  },
  claim: (c, _u, after) =>
    actionForm('claim', t('actions.claim'), [field(t('actions.note'), textArea('note', false))], async (form) => {
      await api('POST', `/cases/${c.id}/claim`, { body: { note: val(form, 'note') || undefined } });
      after(t('actions.done.claim'));
    }),
  supervise: (c, _u, after) =>
    actionForm('supervise', t('actions.supervise'), [field(t('actions.urgeNote'), textArea('note')), field(t('actions.superviseDue'), dueInput('dueAt', true))], async (form) => {
      await api('POST', `/cases/${c.id}/urge`, { body: { kind: 'supervise', note: val(form, 'note'), dueAt: isoOf(val(form, 'dueAt')) } });
      after(t('actions.done.supervise'));
    }, { hint: t('actions.superviseHint') }),
  remind: (c, _u, after) =>
    actionForm('remind', t('actions.remind'), [field(t('actions.urgeNote'), textArea('note')), field(t('actions.remindDue'), dueInput('dueAt', false))], async (form) => {
      await api('POST', `/cases/${c.id}/urge`, { body: { kind: 'remind', note: val(form, 'note'), dueAt: isoOf(val(form, 'dueAt')) } });
      after(t('actions.done.remind'));
    }),
  extension: (c, user, after) => {
    const tasks = c.openTasks.filter((x) => extendable(x, user));
    return actionForm('extension', t('actions.extension'), [
      field(t('actions.extensionTask'), h('select', { name: 'taskId' }, tasks.map((x) => h('option', { value: x.id }, `${x.name ?? x.elementId} · ${t('tasks.due')} ${fmtDate(x.dueAt)}`)))),
      field(t('actions.requestedDue'), dueInput('requestedDue', true)),
      field(t('actions.reason'), textArea('reason')),
    ], async (form) => {
      await api('POST', `/tasks/${val(form, 'taskId')}/extension`, { body: { requestedDue: isoOf(val(form, 'requestedDue')), reason: val(form, 'reason') } });
      after(t('actions.done.extension'));
    }, { hint: t('actions.extensionHint') });
  },
  extensionReview: (c, _u, after) => h('div', null, c.openTasks.filter((x) => x.kind === 'extension_review').map((x) => reviewForm(x, after))),
  reopen: (c, _u, after) =>
    actionForm('reopen', t('actions.reopen'), [field(t('actions.reopenReason'), textArea('reason'))], async (form) => {
      await api('POST', `/cases/${c.id}/reopen`, { body: { reason: val(form, 'reason') } });
      after(t('actions.done.reopen'));
    }, { hint: t('actions.reopenHint') }),
};

/** 延期审批: the request's reason and date, approve (possibly with another date) or refuse. */
function reviewForm(review: ActionTask, after: (m: string) => void): HTMLElement {
  const r = review.request ?? {};
  return actionForm(`extensionReview-${review.id}`, t('actions.extensionReview'), [
    h('p', { class: 'small', 'data-test': 'extension-request' }, t('actions.extensionAsked', { by: r.requestedBy ?? '', from: fmtDate(r.dueAt ?? null), to: fmtDate(r.requestedDue ?? null) }), h('br'), `${t('actions.reason')}: ${r.reason ?? ''}`),
    field(t('actions.decision'), h('select', { name: 'approved' }, h('option', { value: 'true' }, t('actions.approve')), h('option', { value: 'false' }, t('actions.refuse')))),
    field(t('actions.approvedDue'), dueInput('newDue', false, r.requestedDue)),
    field(t('actions.note'), textArea('note', false)),
  ], async (form) => {
    const approved = val(form, 'approved') === 'true';
    const variables: Record<string, unknown> = { approved, note: val(form, 'note') || undefined };
    if (approved && val(form, 'newDue')) variables.newDue = isoOf(val(form, 'newDue'));
    await api('POST', `/tasks/${review.id}/complete`, { body: { variables } });
    after(approved ? t('actions.done.approved') : t('actions.done.refused'));
  });
}

/** A case number as typed (any case) to the id the merge route takes; only the region's own cases. */
async function caseIdByNo(region: string, no: string): Promise<number> {
  const res = await api<{ items: Array<{ id: number; caseNo: string }> }>('GET', `/cases?region=${encodeURIComponent(region)}&q=${encodeURIComponent(no)}&limit=5`);
  const hit = res.items.find((x) => x.caseNo.toLowerCase() === no.toLowerCase());
  if (!hit) throw new Error(t('actions.caseNoUnknown', { no }));
  return hit.id;
}

async function fillUnits(box: HTMLElement, region: string, lead: Set<string>): Promise<void> {
  try {
    const { items } = await api<{ items: Array<{ code: string; name: string; active?: boolean }> }>('GET', `/groups?region=${encodeURIComponent(region)}`);
    const choices = items.filter((g) => g.active !== false && !lead.has(g.code) && !['dispatchers', 'leaders', 'citizen'].includes(g.code));
    box.querySelector('p')?.remove();
    box.append(...choices.map((g) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'group', value: g.code }), ' ', g.name || label('group', g.code))));
  } catch (err) {
    box.append(h('p', { class: 'alert error' }, err instanceof Error ? err.message : String(err)));
  }
}

export { diagramToggle, isPhone, PHONE_MAX_PX } from './phone.ts';
export { openNextTask } from './next-task.ts';
export { urgeNotice, urgeBadge, urgeText, type Urge } from './urge.ts';

/** The region's 转办 targets as options: the rules' names, or the built-in four. */
function transferOptions(c: ActionCase): HTMLElement[] {
  const targets = c.transferTargets ?? ['110', '119', '120', '122'].map((code) => ({ code, name: '' }));
  return targets.map((x) => h('option', { value: x.code }, x.name ? `${x.code} ${x.name}` : t(`actions.emergency.${x.code}`)));
}
