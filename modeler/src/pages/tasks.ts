import { h, mount, toast } from '../lib/dom.ts';
import { api, query, ApiError } from '../lib/api.ts';
import { navigate } from '../lib/router.ts';
import { CATEGORIES, URGENCIES, dueState } from '../lib/catalog.ts';
import { t, label, fmtDate } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';
import { urgeBadge, type Urge } from '../features/case-actions/index.ts';
import { unitList } from '../lib/units.ts';

const PAGE = 20;

interface TaskRow {
  id: number;
  caseId: number;
  caseNo: string;
  caseTitle: string;
  name: string | null;
  elementId: string;
  candidateGroups: string[];
  /** The region's names of those units (GET /tasks). */
  groupNames?: Record<string, string>;
  assignee: string | null;
  dueAt: string | null;
  priority: number | null;
  category: string;
  urgency: string;
  overdue: boolean;
  /** Its case is past its response or resolution deadline (the task itself may not be). */
  caseOverdue?: boolean;
  /** The latest 督办/催办 (features/case-actions). */
  urge?: Urge | null;
}

/** Filters live in the URL so a worker's view survives reloads and can be shared. */
function filtersFrom(search: URLSearchParams) {
  return {
    scope: search.get('scope') ?? 'all',
    group: search.get('group') ?? '',
    category: search.get('category') ?? '',
    urgency: search.get('urgency') ?? '',
    overdue: search.get('overdue') === 'true',
    q: search.get('q') ?? '',
    sort: search.get('sort') ?? 'due',
    offset: Number(search.get('offset') ?? 0) || 0,
  };
}

/** The case worker's task list: filters, sorting, paging and the claim/assign actions. */
export async function tasksPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  const session = requireRole(outlet, ['dispatcher', 'handler', 'leader', 'admin']);
  if (!session) return;
  const f = filtersFrom(search);
  const me = session.user;

  const go = (changes: Record<string, string | number | boolean>) => {
    const next = { ...f, offset: 0, ...changes } as Record<string, unknown>;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v !== '' && v !== false && !(k === 'offset' && v === 0) && !(k === 'scope' && v === 'all') && !(k === 'sort' && v === 'due')) params.set(k, String(v));
    navigate(`/tasks${params.toString() ? `?${params}` : ''}`);
  };
  const select = (name: string, value: string, options: Array<[string, string]>) =>
    h('select', { name, onchange: (e: Event) => go({ [name]: (e.target as HTMLSelectElement).value }) }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));

  const filters = h(
    'form',
    { class: 'filters', 'data-test': 'task-filters', onsubmit: (e: Event) => (e.preventDefault(), go({ q: ((e.target as HTMLFormElement).elements.namedItem('q') as HTMLInputElement).value })) },
    h('label', null, t('tasks.scope'), select('scope', f.scope, [['all', t('tasks.scope.all')], ['myGroups', t('tasks.scope.myGroups')], ['mine', t('tasks.scope.mine')], ['unassigned', t('tasks.scope.unassigned')]])),
    me.groups.length ? h('label', null, t('tasks.group'), select('group', f.group, [['', t('common.any')], ...me.groups.map((g): [string, string] => [g, label('group', g)])])) : null,
    h('label', null, t('case.category'), select('category', f.category, [['', t('common.any')], ...CATEGORIES.map((c): [string, string] => [c, label('category', c)])])),
    h('label', null, t('case.urgency'), select('urgency', f.urgency, [['', t('common.any')], ...URGENCIES.map((u): [string, string] => [u, label('urgency', u)])])),
    h('label', null, t('tasks.sort'), select('sort', f.sort, [['due', t('tasks.sort.due')], ['-due', t('tasks.sort.-due')], ['priority', t('tasks.sort.priority')], ['-created', t('tasks.sort.-created')], ['created', t('tasks.sort.created')]])),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'overdue', checked: f.overdue, onchange: (e: Event) => go({ overdue: (e.target as HTMLInputElement).checked }) }), t('tasks.overdueOnly')),
    h('label', { class: 'grow' }, t('tasks.search'), h('input', { name: 'q', type: 'search', value: f.q, placeholder: t('tasks.searchHint') })),
  );
  const body = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, t('common.loading')));
  mount(outlet, h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', null, t('tasks.title'))), filters, body));

  let result: { total: number; items: TaskRow[] };
  try {
    result = await api('GET', `/tasks${query({
      mine: f.scope === 'mine' ? 'true' : undefined,
      myGroups: f.scope === 'myGroups' ? 'true' : undefined,
      unassigned: f.scope === 'unassigned' ? 'true' : undefined,
      group: f.group,
      category: f.category,
      urgency: f.urgency,
      overdue: f.overdue ? 'true' : undefined,
      q: f.q,
      sort: f.sort,
      limit: PAGE,
      offset: f.offset,
    })}`);
  } catch (err) {
    mount(body, errorBox(err));
    return;
  }

  let users: Array<{ username: string; displayName: string; role: string }> | null = null;
  /** Replaces the row's actions with a picker of the region's staff (GET /users). */
  const pickAssignee = async (task: TaskRow, cell: HTMLElement) => {
    try {
      users ??= (await api<{ items: NonNullable<typeof users> }>('GET', '/users')).items;
    } catch (err) {
      return toast(err instanceof Error ? err.message : String(err), 'error');
    }
    const select = h('select', { name: 'assignee', 'aria-label': t('tasks.assignTo') }, users.map((u) => h('option', { value: u.username }, `${u.displayName} (${u.username})`)));
    mount(
      cell,
      select,
      h('button', { type: 'button', class: 'primary', 'data-action': 'assign-ok', onclick: () => act(task, 'assign', { username: select.value }) }, t('common.ok')),
      h('button', { type: 'button', onclick: () => go({ offset: f.offset }) }, t('common.cancel')),
    );
  };

  const act = async (task: TaskRow, action: 'claim' | 'unclaim' | 'assign', payload: unknown = {}) => {
    try {
      await api('POST', `/tasks/${task.id}/${action}`, { body: payload });
      toast(t(`tasks.done.${action}`));
      go({ offset: f.offset });
    } catch (err) {
      toast(err instanceof ApiError ? err.message : String(err), 'error');
    }
  };

  const rows = result.items.map((task) => {
    const state = task.caseOverdue ? 'overdue' : dueState(task.dueAt, task.overdue);
    const mine = task.assignee === me.username;
    return h(
      'tr',
      { class: `due-${state}`, 'data-task-id': task.id, 'data-element-id': task.elementId },
      h('td', { 'data-label': t('case.no') }, h('a', { href: `/cases/${task.caseId}` }, task.caseNo)),
      h('td', { 'data-label': t('case.title') }, task.caseTitle, h('div', { class: 'muted small' }, label('category', task.category), ' · ', label('urgency', task.urgency))),
      h('td', { 'data-label': t('tasks.task') }, task.name ?? task.elementId, urgeBadge(task.urge)),
      h('td', { 'data-label': t('tasks.groups') }, unitList(task.candidateGroups, task.groupNames) || '—'),
      h('td', { 'data-label': t('tasks.assignee') }, task.assignee ?? h('span', { class: 'muted' }, t('tasks.unassigned'))),
      h('td', { 'data-label': t('tasks.due') }, h('span', { class: `due-badge ${state}` }, fmtDate(task.dueAt), task.caseOverdue && !task.overdue ? ` · ${t('tasks.caseOverdue')}` : state === 'overdue' ? ` · ${t('tasks.overdue')}` : state === 'nearly-due' ? ` · ${t('tasks.nearlyDue')}` : '')),
      h(
        'td',
        { class: 'actions' },
        !task.assignee ? h('button', { type: 'button', 'data-action': 'claim', onclick: () => act(task, 'claim') }, t('tasks.claim')) : null,
        mine ? h('button', { type: 'button', 'data-action': 'unclaim', onclick: () => act(task, 'unclaim') }, t('tasks.unclaim')) : null,
        ['dispatcher', 'leader', 'admin'].includes(me.role) ? h('button', { type: 'button', 'data-action': 'assign', onclick: (e: Event) => pickAssignee(task, (e.target as HTMLElement).closest('td')!) }, t('tasks.assign')) : null,
        h('a', { class: 'button primary', 'data-action': 'open', href: `/cases/${task.caseId}?task=${task.id}` }, t('tasks.work')),
      ),
    );
  });

  const last = Math.min(f.offset + PAGE, result.total);
  mount(
    body,
    result.items.length
      ? h(
          'table',
          { class: 'grid tasks', 'data-test': 'task-table' },
          h('thead', null, h('tr', null, [t('case.no'), t('case.title'), t('tasks.task'), t('tasks.groups'), t('tasks.assignee'), t('tasks.due'), ''].map((c) => h('th', null, c)))),
          h('tbody', null, rows),
        )
      : h('p', { class: 'empty-note' }, t('tasks.none')),
    h(
      'div',
      { class: 'pager' },
      h('span', { class: 'muted' }, t('common.range', { from: result.total ? f.offset + 1 : 0, to: last, total: result.total })),
      h('button', { type: 'button', disabled: f.offset === 0, onclick: () => go({ offset: Math.max(0, f.offset - PAGE) }) }, t('common.prev')),
      h('button', { type: 'button', disabled: last >= result.total, onclick: () => go({ offset: f.offset + PAGE }) }, t('common.next')),
    ),
  );
}
