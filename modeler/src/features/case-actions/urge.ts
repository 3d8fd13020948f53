import { h } from '../../lib/dom.ts';
import { t, fmtDate } from '../../i18n/index.ts';

/** The latest 督办/催办 on a task, as GET /tasks and GET /cases/:id give it. */
export interface Urge {
  kind: 'supervise' | 'remind';
  note: string;
  dueAt: string | null;
  by: string;
  at: string;
}

/** One line: what kind, what the unit is told, by whom, and by when. */
export function urgeText(u: Pick<Urge, 'kind' | 'note' | 'dueAt' | 'by'>): string {
  const kind = t(`actions.urge.${u.kind}`);
  return u.dueAt ? t('actions.urgeBy', { kind, note: u.note, by: u.by, due: fmtDate(u.dueAt) }) : t('actions.urgeNoDue', { kind, note: u.note, by: u.by });
}

/** The banner on the task being worked; nothing when it was never urged. */
export function urgeNotice(u: Urge | null | undefined): HTMLElement | null {
  if (!u) return null;
  return h('p', { class: `alert urge ${u.kind}`, role: 'status', 'data-test': 'task-urge' }, urgeText(u));
}

/** The badge in a task list row. */
export function urgeBadge(u: Urge | null | undefined): HTMLElement | null {
  if (!u) return null;
  return h('span', { class: `badge urge ${u.kind}`, title: urgeText(u), 'data-test': 'urge-badge' }, t(`actions.urge.${u.kind}`));
}
