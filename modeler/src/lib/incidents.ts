/**
 * Incidents in the browser (issue 10): engine steps the server gave up on and rolled back.
 * The list page and the case page share the wording and the two actions here, so a retry
 * or a resolution reads and behaves the same wherever staff meet the incident.
 */
import { h, mount } from './dom.ts';
import { api, query, ApiError } from './api.ts';
import type { SessionUser } from './session.ts';
import { t, label } from '../i18n/index.ts';

/** An incident as `GET /api/v1/incidents` returns it (server/incidents/list.ts `incidentView`). */
export interface Incident {
  id: number;
  regionId: string;
  caseId: number;
  caseNo: string;
  caseTitle: string;
  elementId: string | null;
  action: string;
  reason: string;
  message: string;
  status: 'open' | 'retried' | 'resolved';
  attempts: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  resolution: string | null;
}

/** The roles each incident route admits (server/api/incidents.ts). */
export const INCIDENT_VIEWERS = ['admin', 'designer', 'dispatcher', 'leader', 'auditor'];
const MAY_RETRY = ['admin', 'designer'];
const MAY_RESOLVE = ['admin', 'designer', 'dispatcher'];

export const mayRetry = (user: SessionUser) => MAY_RETRY.includes(user.role);
export const mayResolve = (user: SessionUser) => MAY_RESOLVE.includes(user.role);

/** The stable reason code in words ("定时器设置无效"), the code itself when it is a new one. */
export function reasonText(reason: string | null | undefined): string {
  return label('incident.reason', reason ?? '');
}

/** What the engine was doing: `intake`, `complete task 12`, `fire timers`. */
export function actionText(action: string | null | undefined): string {
  const task = /^complete task (\d+)$/.exec(action ?? '');
  if (task) return t('incident.action.complete', { id: task[1] });
  return label('incident.action', action ?? '');
}

/**
 * The message of a failed action as staff should read it: a retry that failed again says
 * why (the reason in words) before the server's own sentence, which names the element.
 */
export function failureText(err: unknown): string {
  if (err instanceof ApiError && err.code === 'step_failed') return t('incident.retryFailed', { reason: reasonText(err.details?.reason), message: err.message });
  return err instanceof Error ? err.message : String(err);
}

/** Open incidents the user may see: the count in the top bar's badge (one small query). */
export async function openIncidentCount(): Promise<number> {
  const res = await api<{ total: number }>('GET', `/incidents${query({ status: 'open', limit: 1 })}`);
  return res.total;
}

/** Fills every incident badge on the page (the top bar's) with the current count; quiet on failure. */
export function refreshIncidentBadge(): void {
  const badges = document.querySelectorAll<HTMLElement>('[data-test=incident-badge]');
  if (!badges.length) return;
  openIncidentCount()
    .then((n) => badges.forEach((b) => ((b.textContent = n ? String(n) : ''), (b.hidden = !n))))
    .catch(() => undefined);
}

export interface ActionResult {
  kind: 'retried' | 'resolved' | 'failed';
  caseStatus?: string;
}

/**
 * Retry (重试) and Resolve (结案…) for one open incident, for the roles that may use them.
 * Resolve first asks for the reason the citizen will read on the tracking page. Outcomes are
 * written into `notice` (inline, next to the incident) and passed to `done` so the page can
 * update the row or reload the case; a failed retry keeps the buttons for another attempt.
 */
export function incidentActions(incident: Pick<Incident, 'id'>, user: SessionUser, notice: HTMLElement, done: (r: ActionResult) => void): HTMLElement | null {
  if (!mayRetry(user) && !mayResolve(user)) return null;
  const box = h('div', { class: 'incident-actions', 'data-incident-id': incident.id });
  const say = (kind: 'ok' | 'error', text: string) => mount(notice, h('div', { class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-test': 'incident-notice' }, text));

  const busy = (on: boolean) => box.querySelectorAll('button').forEach((b) => (b.disabled = on));

  const retry = async () => {
    busy(true);
    mount(notice, h('span', { class: 'muted small' }, t('incident.retrying')));
    try {
      const res = await api<{ caseStatus: string }>('POST', `/incidents/${incident.id}/retry`, { body: {} });
      say('ok', res.caseStatus === 'closed' ? t('incident.retriedClosed') : t('incident.retried'));
      mount(box);
      refreshIncidentBadge();
      done({ kind: 'retried', caseStatus: res.caseStatus });
    } catch (err) {
      say('error', failureText(err));
      busy(false);
      done({ kind: 'failed' });
    }
  };

  const buttons = () =>
    mount(
      box,
      mayRetry(user) ? h('button', { type: 'button', class: 'primary', 'data-action': 'retry', title: t('incident.retryHint'), onclick: retry }, t('incident.retry')) : null,
      mayResolve(user) ? h('button', { type: 'button', class: 'danger', 'data-action': 'resolve', onclick: askReason }, t('incident.resolve')) : null,
    );

  /** The resolve form replaces the buttons until it is sent or cancelled. */
  function askReason() {
    const form = h(
      'form',
      { class: 'stack resolve-form', 'data-test': 'resolve-form' },
      h('label', null, t('incident.resolveReason'), h('textarea', { name: 'reason', rows: 3, required: true, maxlength: 1000, placeholder: t('incident.resolveHint') })),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'danger', 'data-action': 'resolve-ok' }, t('incident.resolveOk')), h('button', { type: 'button', onclick: buttons }, t('common.cancel'))),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const reason = (form.elements.namedItem('reason') as HTMLTextAreaElement).value.trim();
      if (!reason) return say('error', t('incident.needReason'));
      busy(true);
      try {
        await api('POST', `/incidents/${incident.id}/resolve`, { body: { reason } });
        say('ok', t('incident.resolved'));
        mount(box);
        refreshIncidentBadge();
        done({ kind: 'resolved', caseStatus: 'closed' });
      } catch (err) {
        say('error', failureText(err));
        busy(false);
      }
    });
    mount(box, form);
    (form.elements.namedItem('reason') as HTMLTextAreaElement).focus();
  }

  buttons();
  return box;
}
