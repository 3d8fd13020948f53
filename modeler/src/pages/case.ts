import { h, mount, toast, formValues } from '../lib/dom.ts';
import { api, ApiError } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import type { BpmnInstance } from '../lib/bpmn.ts';
import { buildFields, readFields, showFieldErrors, type FormField } from '../lib/task-form.ts';
import { categoryText, dueState } from '../lib/catalog.ts';
import { t, label, fmtDate, fmtDuration } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';
import { actionText, incidentActions, reasonText, type ActionResult, type Incident } from '../lib/incidents.ts';
import type { SessionUser } from '../lib/session.ts';
import { caseActionsPanel, diagramToggle, isPhone, openNextTask, urgeNotice, urgeText, type Urge } from '../features/case-actions/index.ts';
import { unitLabel, unitList } from '../lib/units.ts';
import { forwardControl } from '../features/forward/index.ts';
import { citizenInput } from './case-citizen-input.ts';
import { termLabel } from '../lib/vocabulary.ts';

interface TaskView {
  id: number;
  elementId: string;
  name: string | null;
  candidateGroups: string[];
  assignee: string | null;
  status: string;
  dueAt: string | null;
  form: { fields: FormField[] } | null;
  createdAt: string;
  endedAt: string | null;
  completedBy?: string | null;
  /** The latest 督办/催办 on the task (server/cases/urge.ts). */
  urge?: Urge | null;
}

interface CaseDetail {
  id: number;
  caseNo: string;
  region: string;
  definitionId: number;
  status: string;
  category: string;
  /** The catalogue path as at intake (names as they were then). */
  categoryPath?: Array<{ code: string; name: string }> | null;
  urgency: string;
  title: string;
  description: string;
  location: { address?: string; lat?: number; lng?: number } | null;
  /** Intake variables; `requestType` (诉求类型) when the desk took it down. */
  variables?: { requestType?: string };
  /** The region's names for the case's urgency, channel and request type (its rules); null: not listed. */
  names?: { urgency: string | null; channel: string | null; requestType: string | null };
  createdAt: string;
  closedAt: string | null;
  dueAt?: string | null;
  /** Running and stopped SLA clocks, and the server's time when it answered. */
  slaClocks?: SlaClock[];
  now?: string;
  /** Masked for every role but dispatchers. */
  contact?: { name?: string; phone?: string } | null;
  openTasks: TaskView[];
  tasks: TaskView[];
  timeline: Array<{ seq: number; at: string; actor: string; type: string; data: Record<string, any> }>;
  /** Names of the units the tasks and the timeline name, by code (server/units). */
  unitNames?: Record<string, string>;
  comments?: Array<{ id: number; author: string; body: string; createdAt: string }>;
  /** The failed step while the case is in status `incident` (server/cases/incident.ts). */
  incident?: CaseIncident | null;
  attachments?: Array<{ id: number; filename: string; mediaType: string; purpose: string; uploadedBy: string; createdAt: string }>;
}

/** What `cases.incident` holds while the case waits for staff to retry or resolve it. */
interface CaseIncident {
  id: number;
  at: string;
  action: string;
  reason: string;
  elementId: string | null;
  message: string;
}

let viewer: BpmnInstance | null = null;

/** Where the case has been: elements the engine passed plus every task's element. */
export function casePosition(detail: CaseDetail): { passed: string[]; current: string[] } {
  const passed: string[] = [];
  for (const e of detail.timeline) if (e.type === 'process.advanced') passed.push(...((e.data?.elements as string[]) ?? []));
  for (const task of detail.tasks) if (task.status !== 'open') passed.push(task.elementId);
  if ((detail as { endElementId?: string }).endElementId) passed.push((detail as { endElementId?: string }).endElementId!);
  return { passed, current: detail.openTasks.map((task) => task.elementId) };
}

/** The case view: facts, SLA clocks, diagram with the path taken, timeline, and the task at hand. */
export async function casePage(outlet: HTMLElement, params: Record<string, string>, search: URLSearchParams): Promise<void> {
  // Designers come for incidents: a step of their process failed on this case.
  const session = requireRole(outlet, ['dispatcher', 'handler', 'leader', 'admin', 'auditor', 'designer']);
  if (!session) return;
  // A detached view is a superseded render (see the router): it must not touch the live viewer.
  if (!outlet.isConnected) return;
  viewer?.destroy();
  viewer = null;
  let detail: CaseDetail;
  try {
    detail = await api<CaseDetail>('GET', `/cases/${encodeURIComponent(params.id)}`);
  } catch (err) {
    // A role that may not read cases (designers) still gets the case's incident, to act on it.
    if (err instanceof ApiError && err.status === 403 && session.user.role === 'designer') return incidentOnlyView(outlet, Number(params.id), session.user);
    mount(outlet, errorBox(err));
    return;
  }
  if (!outlet.isConnected) return; // superseded while loading
  const reload = () => navigate(location.pathname + location.search, true);
  const readOnly = session.user.role === 'auditor' || session.user.role === 'designer';
  const banner = detail.status === 'incident' && detail.incident ? incidentBanner(detail.incident, session.user, reload) : null;
  const taskId = Number(search.get('task'));
  const task = detail.openTasks.find((x) => x.id === taskId) ?? (taskId ? undefined : detail.openTasks.find((x) => x.assignee === session.user.username));

  const canvas = h('div', { class: 'diagram', 'data-test': 'case-diagram' }, h('p', { class: 'muted small diagram-loading' }, t('common.loading')));
  mount(
    outlet,
    h(
      'section',
      { class: 'page case', 'data-case-id': detail.id },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, detail.title, ' ', h('span', { class: `status ${detail.status}` }, label('status', detail.status))),
        h('div', { class: 'muted' }, detail.caseNo, ' · ', categoryText(detail.categoryPath, label('category', detail.category)), ' · ', h('span', { 'data-test': 'urgency' }, termLabel('urgency', detail.urgency, detail.names?.urgency ?? undefined)), detail.variables?.requestType ? h('span', { 'data-test': 'request-type' }, ' · ', termLabel('requestType', detail.variables.requestType, detail.names?.requestType ?? undefined)) : null, ' · ', fmtDate(detail.createdAt)),
      ),
      banner,
      h(
        'div',
        { class: 'case-grid' },
        h(
          'div',
          { class: 'case-main' },
          h('div', { class: 'card' }, h('p', null, detail.description || '—'), detail.location?.address || detail.location?.lat ? h('p', { class: 'muted' }, '📍 ', locationText(detail.location)) : null, detail.contact?.phone ? h('p', { class: 'muted', 'data-test': 'contact' }, '☎ ', detail.contact.phone) : null),
          citizenInput(detail),
          slaClocks(detail),
          // On a phone the diagram waits behind a toggle, below the form (features/case-actions).
          diagramToggle(h('div', { class: 'card diagram-card' }, h('h2', null, t('case.diagram')), canvas, h('div', { class: 'legend' }, h('span', { class: 'key passed' }, t('case.legend.passed')), h('span', { class: 'key current' }, t('case.legend.current')), banner ? h('span', { class: 'key incident' }, t('incident.legend')) : null)), () => drawOnce()),
          timeline(detail),
        ),
        // Auditors are read-only: they see comments and photos but get no forms.
        h('aside', { class: 'case-side' }, task && !readOnly ? taskPanel(detail, task, reload) : null, readOnly ? null : caseActionsPanel(detail, session.user, reload), commentsPanel(detail, readOnly)),
      ),
    ),
  );

  // On a phone the diagram is drawn when first opened: into a hidden box it cannot be fitted.
  let drawing: Promise<void> | null = null;
  const drawOnce = () => (drawing ??= drawDiagram());
  if (!isPhone()) await drawOnce();

  async function drawDiagram(): Promise<void> {
    try {
      // bpmn-js is its own chunk, fetched only now: on a phone link the case, its form and its
      // actions are usable seconds before the diagram arrives (test/e2e/slow-link.test.ts).
      const [xml, { createViewer, show }] = await Promise.all([api<string>('GET', `/definitions/${detail.definitionId}/xml`), import('../lib/bpmn.ts')]);
      if (!outlet.isConnected) return;
      canvas.replaceChildren();
      viewer = createViewer(canvas);
      await show(viewer, xml);
      viewer.get('casePath').show(casePosition(detail));
      const failedAt = banner ? detail.incident?.elementId : null;
      if (failedAt) {
        viewer.get('caseIncident').show(failedAt, t('incident.badge'));
        // The banner names the element as the designer named it, once the diagram knows it.
        const name = viewer.get('elementRegistry').get(failedAt)?.businessObject?.name;
        const slot = banner?.querySelector('[data-test=incident-element]');
        if (name && slot) slot.textContent = `${name} (${failedAt})`;
      }
    } catch (err) {
      canvas.replaceChildren(errorBox(err));
    }
  }
}

function locationText(loc: NonNullable<CaseDetail['location']>): string {
  return [loc.address, loc.lat !== undefined && loc.lng !== undefined ? `${loc.lat.toFixed(5)}, ${loc.lng.toFixed(5)}` : ''].filter(Boolean).join(' · ');
}

/** A clock as the server keeps it (sla_clocks): the case's response and resolution limits and one per task. */
interface SlaClock {
  kind: 'response' | 'resolution' | 'task';
  taskName: string | null;
  elementId: string | null;
  dueAt: string;
  provisional: boolean;
  extensions: number;
  warnedAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
}

/**
 * The case's running clocks: its own response and resolution limits and each
 * open task's. "Overdue" is judged by the server's clock (the one that records
 * breaches), and a recorded breach or warning shows even if the page's time differs.
 */
function slaClocks(detail: CaseDetail): HTMLElement {
  const now = detail.now ? new Date(detail.now).getTime() : Date.now();
  const server = (detail.slaClocks ?? []).filter((c) => !c.stoppedAt);
  const clocks = server.length
    ? server.map((c) => ({
        name: c.kind === 'task' ? c.taskName ?? c.elementId ?? '' : label('clock', c.kind),
        dueAt: c.dueAt,
        breached: Boolean(c.breachedAt),
        note: [c.provisional ? t('case.provisional') : '', c.extensions ? t('case.extended', { n: c.extensions }) : ''].filter(Boolean).join(' · '),
      }))
    : detail.openTasks.map((task) => ({ name: task.name ?? task.elementId, dueAt: task.dueAt, breached: false, note: '' }));
  return h(
    'div',
    { class: 'card' },
    h('h2', null, t('case.clocks')),
    clocks.length
      ? h(
          'ul',
          { class: 'clocks', 'data-test': 'sla-clocks' },
          clocks.map((c) => {
            const state = dueState(c.dueAt, c.breached, now);
            const left = c.dueAt ? new Date(c.dueAt).getTime() - now : null;
            return h(
              'li',
              { class: `clock ${state}` },
              h('strong', null, c.name),
              h('span', null, t('tasks.due'), ' ', fmtDate(c.dueAt)),
              c.note ? h('span', { class: 'small muted' }, c.note) : null,
              left === null ? null : h('span', { class: 'left' }, left < 0 ? t('case.overdueBy', { d: fmtDuration(-left) }) : t('case.leftTime', { d: fmtDuration(left) })),
            );
          }),
        )
      : h('p', { class: 'muted' }, detail.status === 'closed' ? t('case.closedAt', { at: fmtDate(detail.closedAt) }) : t('case.noClocks')),
  );
}

/**
 * The banner of a case in incident: where and why its process stopped, when, and — for the
 * roles that may — Retry and Resolve, whose outcome appears in the banner before the reload.
 */
function incidentBanner(incident: CaseIncident, user: SessionUser, reload: () => void): HTMLElement {
  const notice = h('div', { class: 'incident-notice' });
  const after = (r: ActionResult) => {
    if (r.kind === 'failed') return;
    toast(r.kind === 'resolved' ? t('incident.resolved') : t('incident.retried'));
    reload();
  };
  const actions = incidentActions(incident, user, notice, after);
  return h(
    'div',
    { class: 'incident-banner', role: 'alert', 'data-test': 'incident-banner', 'data-incident-id': incident.id },
    h('h2', null, '⚠ ', t('incident.bannerTitle')),
    h(
      'dl',
      { class: 'incident-facts' },
      h('dt', null, t('incidents.element')),
      h('dd', { 'data-test': 'incident-element' }, incident.elementId ?? '—'),
      h('dt', null, t('incidents.reason')),
      h('dd', { 'data-test': 'incident-reason' }, reasonText(incident.reason), h('span', { class: 'muted small' }, ` · ${actionText(incident.action)}`)),
      h('dt', null, t('incidents.message')),
      h('dd', { class: 'message' }, incident.message),
      h('dt', null, t('incidents.time')),
      h('dd', null, fmtDate(incident.at)),
    ),
    actions ?? h('p', { class: 'muted small' }, t('incident.askStaff')),
    notice,
  );
}

/**
 * The case page of a role that may not read the case itself (a designer): the incident
 * from the incidents API, with its actions — enough to retry after a fix or to close it.
 */
async function incidentOnlyView(outlet: HTMLElement, caseId: number, user: SessionUser): Promise<void> {
  let incident: Incident | undefined;
  try {
    incident = (await api<{ items: Incident[] }>('GET', `/incidents?caseId=${caseId}&status=all&limit=1`)).items[0];
  } catch (err) {
    mount(outlet, errorBox(err));
    return;
  }
  if (!outlet.isConnected) return;
  if (!incident) {
    mount(outlet, h('section', { class: 'card narrow' }, h('h1', null, t('guard.title')), h('p', null, t('guard.text'))));
    return;
  }
  const reload = () => navigate(location.pathname + location.search, true);
  const open = incident.status === 'open';
  mount(
    outlet,
    h(
      'section',
      { class: 'page case', 'data-case-id': caseId },
      h('div', { class: 'page-head' }, h('h1', null, incident.caseTitle, ' ', h('span', { class: `status ${open ? 'incident' : 'closed'}` }, open ? label('status', 'incident') : label('incidents.status', incident.status))), h('div', { class: 'muted' }, incident.caseNo)),
      open
        ? incidentBanner({ id: incident.id, at: incident.createdAt, action: incident.action, reason: incident.reason, elementId: incident.elementId, message: incident.message }, user, reload)
        : h('div', { class: 'alert ok' }, t(`incidents.closed.${incident.status}`, { at: fmtDate(incident.closedAt), by: incident.closedBy ?? '' }), incident.resolution ? ` · ${incident.resolution}` : ''),
      h('p', { class: 'muted small' }, t('incident.onlyIncident'), ' ', h('a', { href: '/incidents' }, t('incidents.title'))),
    ),
  );
}

/** Incident events read as reason, element and message rather than raw codes. */
function incidentSummary(e: CaseDetail['timeline'][number]): string | null {
  const d = e.data ?? {};
  if (e.type === 'case.incident' || e.type === 'incident.retry_failed') {
    return [reasonText(d.reason), d.elementId ? `${t('incidents.element')}: ${d.elementId}` : '', d.action ? actionText(d.action) : '', d.message ?? ''].filter(Boolean).join(' · ');
  }
  if (e.type === 'incident.retried') return t('incident.summary.retried', { id: d.incidentId ?? '' });
  if (e.type === 'case.incident_resolved') return `${t('incident.summary.resolved')}: ${d.reason ?? ''}`;
  return null;
}

function eventSummary(e: CaseDetail['timeline'][number], names?: Record<string, string>): string {
  const incident = incidentSummary(e);
  if (incident !== null) return incident;
  const d = e.data ?? {};
  if (e.type === 'case.supervised' || e.type === 'case.reminded') return urgeText({ kind: e.type === 'case.supervised' ? 'supervise' : 'remind', note: String(d.note ?? ''), dueAt: d.dueAt ?? null, by: e.actor });
  const parts: string[] = [];
  if (d.name) parts.push(String(d.name));
  if (d.values && typeof d.values === 'object') parts.push(Object.entries(d.values).map(([k, v]) => `${k}: ${k === 'department' ? unitLabel(String(v), names) : String(v)}`).join('；'));
  if (d.clock) parts.push(label('clock', d.clock));
  if (d.group) parts.push(unitLabel(d.group, names));
  if (e.type === 'task.forwarded') parts.push(`${unitLabel(d.from, names)} → ${unitLabel(d.to, names)}${d.note ? `：${d.note}` : ''}`);
  else if (Array.isArray(d.candidateGroups) && d.candidateGroups.length) parts.push(unitList(d.candidateGroups, names));
  if (d.dueAt && e.type.startsWith('sla.')) parts.push(`${t('tasks.due')} ${fmtDate(d.dueAt)}`);
  for (const k of ['reason', 'text', 'comment', 'assignee', 'message', 'filename']) if (d[k]) parts.push(`${label('field', k)}: ${String(d[k])}`);
  if (e.type === 'process.advanced' && Array.isArray(d.elements)) parts.push(d.elements.join(' → '));
  return parts.join(' · ');
}

function timeline(detail: CaseDetail): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('h2', null, t('case.timeline')),
    h(
      'ol',
      { class: 'timeline', 'data-test': 'timeline' },
      detail.timeline.map((e) =>
        h('li', { 'data-type': e.type }, h('time', null, fmtDate(e.at)), h('span', { class: 'event' }, label('event', e.type)), h('span', { class: 'actor muted' }, e.actor), h('div', { class: 'small' }, eventSummary(e, detail.unitNames))),
      ),
    ),
  );
}

/** Complete (form), return (退单) and claim for the task being worked. */
function taskPanel(detail: CaseDetail, task: TaskView, reload: () => void): HTMLElement {
  const fields = task.form?.fields ?? [];
  const general = h('div', { class: 'alert error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'stack task-form', 'data-test': 'task-form', novalidate: true },
    buildFields(fields),
    general,
    h('button', { class: 'primary', type: 'submit' }, t('task.complete')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    general.hidden = true;
    try {
      await api('POST', `/tasks/${task.id}/complete`, { body: { variables: readFields(form, fields) } });
      toast(t('task.completed'));
      // The worker's next step of the same case opens at once (features/case-actions).
      await openNextTask(detail.id);
    } catch (err) {
      const rest = err instanceof ApiError && err.details?.fields ? showFieldErrors(form, err.details.fields) : [];
      if (!(err instanceof ApiError && err.details?.fields) || rest.length) {
        general.hidden = false;
        general.textContent = [err instanceof Error ? err.message : String(err), ...rest.map((p) => p.message)].join(' ');
      }
    }
  });

  const returnForm = h(
    'form',
    { class: 'stack', 'data-test': 'return-form' },
    h('label', null, t('task.returnReason'), h('textarea', { name: 'reason', rows: 2, required: true })),
    h('button', { type: 'submit', class: 'danger' }, t('task.return')),
  );
  returnForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', `/tasks/${task.id}/return`, { body: { reason: String(formValues(returnForm).reason) } });
      toast(t('task.returned'));
      navigate('/tasks');
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  });

  const claim = async () => {
    try {
      await api('POST', `/tasks/${task.id}/claim`, { body: {} });
      toast(t('tasks.done.claim'));
      reload();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  };

  return h(
    'div',
    { class: 'card task-panel', 'data-task-id': task.id },
    h('h2', null, task.name ?? task.elementId),
    h('p', { class: 'muted small' }, t('tasks.groups'), ': ', unitList(task.candidateGroups, detail.unitNames) || '—', ' · ', t('tasks.assignee'), ': ', task.assignee ?? t('tasks.unassigned')),
    urgeNotice(task.urge),
    // 签收 on submit (server/tasks/complete.ts): the button signs for it early, 办理 also signs.
    !task.assignee ? h('p', { class: 'claim-row' }, h('button', { type: 'button', 'data-action': 'claim', onclick: claim }, t('tasks.claim')), ' ', h('span', { class: 'muted small' }, t('actions.claimOnSubmit'))) : null,
    form,
    h('details', { class: 'return' }, h('summary', null, t('task.return')), returnForm),
    forwardControl(task.id, reload),
  );
}

/**
 * Comments and photos on the case (both internal; reply photos are also shown to the citizen).
 * Saving re-reads the case and replaces only this card and the timeline: the task form beside
 * it keeps what the handler was typing.
 */
function commentsPanel(detail: CaseDetail, readOnly: boolean): HTMLElement {
  const comments = detail.comments ?? [];
  const form = h(
    'form',
    { class: 'stack', 'data-test': 'comment-form' },
    h('label', null, t('case.comment'), h('textarea', { name: 'body', rows: 2 })),
    h('label', null, t('case.photo'), h('input', { name: 'file', type: 'file', accept: 'image/*,application/pdf', capture: 'environment' })),
    h('label', null, t('case.photoPurpose'), h('select', { name: 'purpose' }, h('option', { value: 'site' }, t('case.photo.site')), h('option', { value: 'reply' }, t('case.photo.reply')))),
    h('button', { type: 'submit' }, t('case.addComment')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = formValues(form) as Record<string, string>;
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (!v.body.trim() && !file) return;
    try {
      if (v.body.trim()) await api('POST', `/cases/${detail.id}/comments`, { body: { body: v.body.trim() } });
      if (file) {
        const fd = new FormData();
        fd.append('file', file);
        fd.append('purpose', v.purpose);
        await api('POST', `/cases/${detail.id}/attachments`, { form: fd });
      }
      toast(t('case.saved'));
      const fresh = await api<CaseDetail>('GET', `/cases/${detail.id}`);
      card.closest('.case')?.querySelector('[data-test=timeline]')?.closest('.card')?.replaceWith(timeline(fresh));
      card.replaceWith(commentsPanel(fresh, readOnly));
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  });
  const photos = h('div', { class: 'photos', 'data-test': 'photos' });
  // Attachments need the login token, so they are fetched and shown from blobs, not plain links.
  for (const a of detail.attachments ?? []) {
    const slot = h('a', { class: 'photo', title: `${a.filename} · ${a.uploadedBy}`, 'data-attachment-id': a.id }, a.filename);
    photos.append(slot);
    void api<Response>('GET', `/cases/${detail.id}/attachments/${a.id}`, { raw: true })
      .then((res) => res.blob())
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        slot.setAttribute('href', url);
        slot.setAttribute('target', '_blank');
        if (a.mediaType.startsWith('image/')) slot.replaceChildren(h('img', { src: url, alt: a.filename }));
      })
      .catch(() => undefined);
  }
  const card = h(
    'div',
    { class: 'card', 'data-test': 'comments-card' },
    h('h2', null, t('case.comments')),
    comments.length
      ? h('ul', { class: 'comments', 'data-test': 'comments' }, comments.map((c) => h('li', null, h('div', { class: 'muted small' }, c.author, ' · ', fmtDate(c.createdAt)), c.body)))
      : h('p', { class: 'muted' }, t('case.noComments')),
    photos,
    readOnly ? null : form,
  );
  return card;
}
