import { h, mount, formValues } from '../lib/dom.ts';
import { api, ApiError } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { setSession, homeFor, type SessionUser } from '../lib/session.ts';
import { t } from '../i18n/index.ts';

/** Staff login; `?next=` returns to the page that asked for it. */
export function loginPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): void {
  const error = h('div', { class: 'alert error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'card narrow stack', 'data-test': 'login-form' },
    h('h1', null, t('login.title')),
    h('label', null, t('login.username'), h('input', { name: 'username', autocomplete: 'username', required: true, placeholder: 'zhalaite.designer' })),
    h('label', null, t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    error,
    h('button', { class: 'primary', type: 'submit' }, t('login.submit')),
    h('p', { class: 'muted small' }, t('login.demo')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const { username, password } = formValues(form);
    try {
      const res = await api<{ token: string; user: SessionUser }>('POST', '/auth/login', { body: { username, password } });
      setSession({ token: res.token, user: res.user });
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(res.user), true);
    } catch (err) {
      error.hidden = false;
      error.textContent = err instanceof ApiError && err.status === 401 ? t('login.failed') : String((err as Error).message);
    }
  });
  mount(outlet, form);
}
