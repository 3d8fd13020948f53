/**
 * The steps of a case a citizen may see. A timeline event is public, internal
 * or ignored: public ones become a step; internal work (退单 and its review,
 * 协办, 延期审批, 督办, a leader's claim …) is the government's own business and
 * shows only as one 办理中 step, however many internal events follow each other;
 * bookkeeping (task.created, process.advanced, timers …) is ignored.
 *
 * Each step carries a stable `key` the page translates, the process's own task
 * name where there is one (`name`), and `step`, a bilingual sentence for clients
 * that show text as it comes (Open311 status_notes).
 */
export type PublicStepKey =
  | 'received' | 'signed' | 'done' | 'handling' | 'extended' | 'transferred'
  | 'not_accepted' | 'merged' | 'reopened' | 'evaluated' | 'closed_by_staff' | 'closed' | 'citizen_update';

export interface PublicStep {
  at: Date;
  key: PublicStepKey;
  /** The task's name in the process (派单, 现场核实 …) and its element id, for task steps. */
  name?: string;
  elementId?: string;
  detail?: string;
  /** The timeline event it came from, when the caller passed event ids. */
  eventId?: number;
  step: string;
}

/**
 * The family of a task on the citizen's path, by element id (regions' processes name them `reply`,
 * `replyProperty`, …), or undefined: any other task — 督办, 协办, 退单审核, 延期审批, whatever a
 * designer adds — counts as internal work.
 */
export const taskFamily = (elementId: string | undefined) =>
  /^(dispatch|verify|resolve|replyInvalid|reply|evaluate|veteransService)/.exec(elementId ?? '')?.[1];

/** Each step in Chinese and English. */
const SENTENCES: Record<PublicStepKey, (s: { name?: string; detail?: string }) => [string, string]> = {
  received: () => ['已受理', 'received'],
  signed: (s) => [`${s.name}已签收`, `${s.name} taken up`],
  done: (s) => [`${s.name}完成`, `${s.name} completed`],
  handling: () => ['办理中', 'being handled'],
  extended: () => ['办理时限已延期', 'deadline extended'],
  transferred: (s) => [`已转${s.detail}`, `transferred to ${s.detail}`],
  not_accepted: () => ['不予受理', 'not accepted'],
  merged: () => ['已并单', 'merged with another request'],
  reopened: () => ['重办', 'reopened'],
  evaluated: () => ['已评价', 'evaluated'],
  closed_by_staff: () => ['已办结（系统处理）', 'closed by staff'],
  closed: () => ['已办结', 'closed'],
  citizen_update: () => ['群众补充了情况', 'you added an update'],
};

/** A step in Chinese alone (Open311 update descriptions: our citizens read Chinese). */
export const stepInChinese = (s: Pick<PublicStep, 'key' | 'name' | 'detail'>) => SENTENCES[s.key](s)[0];
const sentence = (s: Pick<PublicStep, 'key' | 'name' | 'detail'>) => SENTENCES[s.key](s).join(' ');

type Shown = { key: PublicStepKey; name?: string; elementId?: string; detail?: string } | 'internal' | null;

function classify(type: string, d: Record<string, any>): Shown {
  const task = (key: 'signed' | 'done'): Shown => {
    if (typeof d.elementId !== 'string' || !taskFamily(d.elementId)) return 'internal';
    if (d.elementId.startsWith('evaluate')) return key === 'done' ? { key: 'evaluated', elementId: d.elementId } : null;
    return { key, name: d.name ?? d.elementId, elementId: d.elementId };
  };
  switch (type) {
    case 'case.created': return { key: 'received' };
    // Signed for by completing it: the completion that follows says it all.
    case 'task.claimed': return d.onSubmit ? null : task('signed');
    case 'task.completed': return task('done');
    case 'sla.extended': return { key: 'extended', detail: d.to };
    // Recorded by extensions approved before they went through the SLA module; chains are never rewritten.
    case 'task.extended': return { key: 'extended', detail: d.newDue };
    case 'case.transferred': return { key: 'transferred', detail: d.to };
    case 'case.not_accepted': return { key: 'not_accepted', detail: d.legalRoute };
    case 'case.merged': return { key: 'merged', detail: d.parentCaseNo };
    case 'case.reopened': return { key: 'reopened', detail: d.reopenCount === undefined ? undefined : String(d.reopenCount) };
    case 'case.incident_resolved': return { key: 'closed_by_staff', detail: d.reason };
    case 'case.closed': return { key: 'closed' };
    // A citizen's note (Open311 servicerequestupdates): that there is one, never its words or author.
    case 'case.citizen_update': return { key: 'citizen_update' };
    case 'task.returned': case 'return.decided': case 'task.extension_requested': case 'task.extension_rejected':
    case 'case.leader_claimed': case 'case.co_handlers_added':
      return 'internal';
    default:
      return null;
  }
}

/**
 * The steps of a timeline a citizen may see, oldest first (also what Open311 clients see).
 * With events' `id`s given, each step names the event it came from (`eventId`: Open311's update_id).
 */
export function publicSteps(events: Array<{ id?: number | string; at: Date; type: string; data: Record<string, any> | null }>): PublicStep[] {
  const steps: PublicStep[] = [];
  for (const e of events) {
    const shown = classify(e.type, e.data ?? {});
    if (!shown) continue;
    const eventId = e.id === undefined ? {} : { eventId: Number(e.id) };
    if (shown === 'internal') {
      if (steps.at(-1)?.key !== 'handling') steps.push({ at: e.at, key: 'handling', ...eventId, step: sentence({ key: 'handling' }) });
      continue;
    }
    const step: PublicStep = { at: e.at, ...shown, ...eventId, step: sentence(shown) };
    for (const k of ['name', 'elementId', 'detail'] as const) if (step[k] === undefined) delete step[k];
    steps.push(step);
  }
  return steps;
}
