import './styles.css';
import { h, mount } from './lib/dom.ts';
import { api } from './lib/api.ts';
import { route, lazy, startRouter, navigate, refresh } from './lib/router.ts';
import { getSession, setSession, homeFor } from './lib/session.ts';
import { getLang, setLang, t } from './i18n/index.ts';
import { homePage } from './pages/home.ts';
import { loginPage } from './pages/login.ts';
import { tasksPage } from './pages/tasks.ts';
import { auditPage } from './pages/audit.ts';
import { incidentsPage } from './pages/incidents.ts';
import { INCIDENT_VIEWERS, refreshIncidentBadge } from './lib/incidents.ts';
import { citizenSubmitPage } from './pages/citizen-submit.ts';
import { citizenTrackPage } from './pages/citizen-track.ts';
import { intakePage, INTAKE_ROLES } from './pages/intake.ts';
import { casesPage, CASE_LIST_ROLES } from './pages/cases.ts';

route('/', homePage);
route('/login', loginPage);
route('/tasks', tasksPage);
route('/intake', intakePage);
route('/cases', casesPage);
route('/cases/:id', lazy(() => import('./pages/case.ts'), 'casePage'));
route('/designer', lazy(() => import('./pages/designer.ts'), 'designerPage'));
route('/audit', auditPage);
route('/incidents', incidentsPage);
route('/admin', lazy(() => import('./pages/admin/index.ts'), 'adminPage'));
route('/citizen', citizenSubmitPage);
route('/track', citizenTrackPage);
route('/track/:caseNo', citizenTrackPage);

/** Links a role may use; citizens' pages are always there. */
function navLinks(): Array<[string, string]> {
  const user = getSession()?.user;
  const links: Array<[string, string]> = [];
  if (user) {
    if (['dispatcher', 'handler', 'leader', 'admin'].includes(user.role)) links.push(['/tasks', t('nav.tasks')]);
    // The 12345 desk: taking calls, and finding any case (closed ones too).
    if (INTAKE_ROLES.includes(user.role)) links.push(['/intake', t('nav.intake')]);
    if (CASE_LIST_ROLES.includes(user.role)) links.push(['/cases', t('nav.cases')]);
    if (['designer', 'admin'].includes(user.role)) links.push(['/designer', t('nav.designer')]);
    if (['auditor', 'admin', 'leader'].includes(user.role)) links.push(['/audit', t('nav.audit')]);
    if (INCIDENT_VIEWERS.includes(user.role)) links.push(['/incidents', t('nav.incidents')]);
    if (user.role === 'admin') links.push(['/admin', t('nav.admin')]);
  }
  links.push(['/citizen', t('nav.citizen')], ['/track', t('nav.track')]);
  return links;
}

function renderTopbar() {
  const bar = document.getElementById('topbar')!;
  const session = getSession();
  const here = location.pathname;
  document.title = `${t('app.name')} Bangni`;
  mount(
    bar,
    h('a', { class: 'brand', href: session ? homeFor(session.user) : '/' }, h('span', { class: 'logo' }, '帮'), h('span', null, t('app.name'))),
    h(
      'nav',
      { class: 'nav' },
      navLinks().map(([href, text]) =>
        h(
          'a',
          { href, class: here.startsWith(href) ? 'active' : '' },
          text,
          // Open incidents as a count beside the link, filled once the top bar is on the page.
          href === '/incidents' ? h('span', { class: 'badge', 'data-test': 'incident-badge', hidden: true, 'aria-label': t('incidents.openCount') }) : null,
        ),
      ),
    ),
    h(
      'div',
      { class: 'who' },
      h('button', { type: 'button', class: 'link lang', 'data-test': 'lang', onclick: () => (setLang(getLang() === 'en' ? 'zh-CN' : 'en'), refresh()) }, getLang() === 'en' ? '中文' : 'English'),
      session
        ? [
            h('span', { class: 'user', title: session.user.username }, session.user.displayName),
            h('button', { type: 'button', class: 'link', onclick: logout }, t('nav.logout')),
          ]
        : h('a', { href: '/login' }, t('nav.login')),
    ),
  );
  refreshIncidentBadge();
}

async function logout() {
  try {
    await api('POST', '/auth/logout');
  } finally {
    setSession(null);
    navigate('/login');
  }
}

setLang(getLang());
startRouter(document.getElementById('outlet')!, renderTopbar);
