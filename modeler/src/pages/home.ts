import { h, mount } from '../lib/dom.ts';
import { navigate } from '../lib/router.ts';
import { getSession, homeFor } from '../lib/session.ts';
import { t } from '../i18n/index.ts';

/** The landing page: citizens go to submit or track; staff log in. */
export function homePage(outlet: HTMLElement): void {
  const session = getSession();
  if (session) return navigate(homeFor(session.user), true);
  mount(
    outlet,
    h(
      'section',
      { class: 'hero' },
      h('h1', null, t('home.title')),
      h('p', { class: 'muted' }, t('home.lead')),
      h(
        'div',
        { class: 'hero-actions' },
        h('a', { class: 'button primary big', href: '/citizen' }, t('home.submit')),
        h('a', { class: 'button big', href: '/track' }, t('home.track')),
        h('a', { class: 'button ghost big', href: '/login' }, t('home.staff')),
      ),
    ),
  );
}
