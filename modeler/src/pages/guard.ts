import { navigate } from '../lib/router.ts';
import { getSession, type Session } from '../lib/session.ts';
import { h, mount } from '../lib/dom.ts';
import { t } from '../i18n/index.ts';

/** The session when its role may see this page; otherwise sends to login (or explains). */
export function requireRole(outlet: HTMLElement, roles: string[]): Session | null {
  const session = getSession();
  if (!session) {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    return null;
  }
  if (!roles.includes(session.user.role)) {
    mount(outlet, h('section', { class: 'card narrow' }, h('h1', null, t('guard.title')), h('p', null, t('guard.text'))));
    return null;
  }
  return session;
}

/** A visible error box for a failed load. */
export function errorBox(err: unknown): HTMLElement {
  const msg = err instanceof Error ? err.message : String(err);
  return h('div', { class: 'alert error', role: 'alert' }, msg);
}
