/**
 * History-API routing: the server answers every client path with index.html, so
 * /tasks or /cases/12 can be bookmarked and reloaded.
 */
export type Render = (outlet: HTMLElement, params: Record<string, string>, search: URLSearchParams) => void | Promise<void>;

interface Route {
  pattern: RegExp;
  keys: string[];
  render: Render;
}

const routes: Route[] = [];
let onChange: (() => void) | undefined;
let current: (() => void) | undefined;
/** The URL on screen: where a refused Back returns to. */
let shown = '';
/** The page's warning when leaving would lose work (e.g. unsaved diagram edits); null when nothing would. */
let leaveGuard: (() => string | null) | null = null;

/**
 * A page that holds unsaved work sets this; it applies to the app's own navigation (links,
 * Back) and to closing or reloading the tab, and is dropped when the page is left.
 */
export function setLeaveGuard(guard: (() => string | null) | null): void {
  leaveGuard = guard;
}

/** True when the user agrees to leave (or there is nothing to lose). */
function mayLeave(): boolean {
  const warning = leaveGuard?.();
  return !warning || window.confirm(warning);
}

/**
 * A page loaded on first visit: pages with bpmn-js (about 1.5 MB) stay out of the bundle a
 * citizen's phone downloads for the request form.
 */
export function lazy(load: () => Promise<Record<string, unknown>>, name: string): Render {
  return async (outlet, params, search) => ((await load())[name] as Render)(outlet, params, search);
}

/** Registers `/cases/:id`-style paths. */
export function route(path: string, render: Render): void {
  const keys: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, k) => (keys.push(k), '([^/]+)'))}/?$`);
  routes.push({ pattern, keys, render });
}

export function navigate(path: string, replace = false): void {
  if (path !== location.pathname + location.search && !mayLeave()) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatch();
}

/** Re-renders the current page (after a language switch or login). */
export function refresh(): void {
  dispatch();
}

export function startRouter(outlet: HTMLElement, changed: () => void): void {
  onChange = changed;
  window.addEventListener('popstate', () => {
    // The URL has already changed: a refused Back puts the page's own URL back.
    if (!mayLeave()) return history.pushState(null, '', shown);
    dispatch();
  });
  window.addEventListener('beforeunload', (ev) => {
    if (!leaveGuard?.()) return;
    ev.preventDefault();
    ev.returnValue = '';
  });
  // Same-origin links are client navigations.
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element).closest?.('a[href]') as HTMLAnchorElement | null;
    if (!a || a.target || a.hasAttribute('download') || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
  current = () => {
    const path = location.pathname;
    shown = path + location.search;
    leaveGuard = null;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
      // Each render gets its own view: a slower, superseded render (e.g. still awaiting the API
      // when the user switched language) then fills a detached element, never the page.
      const view = document.createElement('div');
      view.className = 'view';
      outlet.replaceChildren(view);
      outlet.dataset.page = path.split('/')[1] || 'home';
      void Promise.resolve(r.render(view, params, new URLSearchParams(location.search))).catch((err) => {
        console.error('page failed to render:', err);
      });
      return;
    }
    navigate('/', true);
  };
  dispatch();
}

function dispatch() {
  onChange?.();
  current?.();
}
