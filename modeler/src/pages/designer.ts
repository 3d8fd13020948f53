import { h, mount, toast } from '../lib/dom.ts';
import { api, ApiError, query } from '../lib/api.ts';
import { createViewer, show, type BpmnInstance } from '../lib/bpmn.ts';
import { createModeler } from '../lib/modeler.ts';
import { diffModels } from '../features/diagram-diff/index.ts';
import type { DeployProblem } from '../features/deploy-problems/index.ts';
import type { ElementStats } from '../features/sla-heatmap/index.ts';
import type { Region } from '../lib/catalog.ts';
import { t, fmtDate, fmtDuration, fmtPercent } from '../i18n/index.ts';
import { requireRole, errorBox } from './guard.ts';
import { navigate, setLeaveGuard } from '../lib/router.ts';
import { trackUnsaved } from '../features/unsaved-edits/index.ts';
import { useDirectory } from '../features/server-rules/rule.ts';
import type { Directory } from '../../../server/definitions/validate/names.ts';

interface Definition {
  id: number;
  region: string;
  key: string;
  version: number;
  name: string | null;
  deployedBy: string;
  deployedAt: string;
  origin: string;
}

const DAY = 86_400_000;
/** The bpmn-js instances of the latest render; [0] is its modeler, the rest diff/heat-map viewers. */
let instances: BpmnInstance[] = [];

/** The process designer: versions of the region's processes, the modeler, deploy, diff and heat map. */
export async function designerPage(outlet: HTMLElement, _p: Record<string, string>, search: URLSearchParams): Promise<void> {
  const session = requireRole(outlet, ['designer', 'admin']);
  if (!session) return;
  // The router gives each render its own view and detaches it when a newer render starts, so
  // a detached view means this render was superseded (renders can resume in any order).
  if (!outlet.isConnected) return;
  for (const i of instances) i.destroy();
  const mine: BpmnInstance[] = [];
  instances = mine;
  let regions: Region[] = [];
  try {
    regions = (await api<{ items: Region[] }>('GET', '/regions')).items;
  } catch {
    // The picker then offers the home region only.
  }
  if (!outlet.isConnected) return; // superseded while loading: build nothing
  const region = session.user.regionId ?? search.get('region') ?? 'zhalaite';
  const regionName = (id: string) => (id === 'default' ? t('designer.sharedRegion') : regions.find((r) => r.id === id)?.name ?? id);
  // An admin designs for any region (or the shared default process): a picker, not a fixed one.
  const regionPicker = session.user.regionId
    ? null
    : h('label', null, t('designer.region'), ' ', h(
      'select',
      { 'data-test': 'region-picker', onchange: (e: Event) => navigate(`/designer?region=${encodeURIComponent((e.target as HTMLSelectElement).value)}`) },
      [{ id: 'default', name: t('designer.sharedRegion') }, ...regions.filter((r) => r.id !== 'default')].map((r) => h('option', { value: r.id, selected: r.id === region }, r.name)),
    ));
  // The region's units and staff, for the lint to flag a name the deploy would refuse.
  const directory = loadDirectory(region, regionName(region));

  const versionsBox = h('div', { class: 'versions', 'data-test': 'versions' });
  const problemsBox = h('div', { class: 'problems', 'data-test': 'problems', hidden: true });
  const canvas = h('div', { class: 'modeler-canvas', 'data-test': 'modeler-canvas' });
  const panel = h('div', { class: 'properties', 'data-test': 'properties-panel' });
  const pane = h('div', { class: 'view-pane', hidden: true });
  const status = h('span', { class: 'muted small', 'data-test': 'editing' });

  const modeler = createModeler(canvas, panel);
  mine.push(modeler);
  // Edits live only in this page until deployed: leaving (link, Back, reload, close) asks first.
  const unsaved = trackUnsaved(modeler);
  setLeaveGuard(() => (unsaved.dirty() ? t('actions.unsaved') : null));

  let defs: Definition[] = [];
  let current: Definition | null = null;
  const picked = new Set<number>();

  async function loadList() {
    try {
      defs = (await api<{ items: Definition[] }>('GET', `/definitions${query({ region })}`)).items;
    } catch (err) {
      mount(versionsBox, errorBox(err));
      return;
    }
    renderList();
  }

  function renderList() {
    const keys = [...new Set(defs.map((d) => `${d.region}/${d.key}`))];
    mount(
      versionsBox,
      keys.map((rk) => {
        const list = defs.filter((d) => `${d.region}/${d.key}` === rk).sort((a, b) => b.version - a.version);
        return h(
          'div',
          { class: 'version-group' },
          h('h3', null, list[0].name ?? list[0].key, h('span', { class: 'muted small' }, ` · ${regionName(list[0].region)}`)),
          h(
            'ul',
            null,
            list.map((d) =>
              h(
                'li',
                { class: current?.id === d.id ? 'current' : '', 'data-definition-id': d.id, 'data-version': d.version, 'data-region': d.region },
                h('label', { class: 'pick', title: t('designer.pickForDiff') }, h('input', { type: 'checkbox', checked: picked.has(d.id), onchange: (e: Event) => ((e.target as HTMLInputElement).checked ? picked.add(d.id) : picked.delete(d.id)) })),
                h('div', { class: 'grow' }, h('strong', null, `v${d.version}`), ' ', h('span', { class: 'muted small' }, d.deployedBy, ' · ', fmtDate(d.deployedAt))),
                h('button', { type: 'button', class: 'small', 'data-action': 'open', onclick: () => open(d) }, t('designer.open')),
                h('button', { type: 'button', class: 'small', 'data-action': 'heat', onclick: () => heatmap(d) }, t('designer.heat')),
              ),
            ),
          ),
        );
      }),
      h('button', { type: 'button', 'data-action': 'diff', onclick: () => diffPicked() }, t('designer.diff')),
    );
  }

  async function open(d: Definition) {
    // Opening another version replaces the diagram: the same question as leaving the page.
    if (unsaved.dirty() && !window.confirm(t('actions.unsaved'))) return;
    closePane();
    try {
      const xml = await api<string>('GET', `/definitions/${d.id}/xml`);
      await show(modeler, xml, { leftPad: 160 });
      current = d;
      problemsBox.hidden = true;
      status.textContent = t('designer.editing', { name: d.name ?? d.key, version: d.version, region: regionName(d.region) }) + (d.region !== region ? ` — ${t('designer.fromDefault', { region: regionName(region) })}` : '');
      renderList();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  async function deploy() {
    const { xml } = await modeler.saveXML({ format: true });
    problemsBox.hidden = true;
    try {
      const created = await api<Definition>('POST', '/definitions', { body: { region, xml } });
      modeler.get('deployProblems').clear();
      unsaved.saved();
      toast(t('designer.deployed', { version: created.version }));
      current = created;
      status.textContent = t('designer.editing', { name: created.name ?? created.key, version: created.version, region: regionName(created.region) });
      await loadList();
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.details?.problems)) showProblems(err.details.problems as DeployProblem[], err.message);
      else toast(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  function showProblems(problems: DeployProblem[], message: string) {
    const unplaced = modeler.get('deployProblems').show(problems);
    const select = (id: string | null) => {
      const el = id && modeler.get('elementRegistry').get(id);
      if (el) {
        modeler.get('selection').select(el);
        modeler.get('canvas').scrollToElement(el);
      }
    };
    problemsBox.hidden = false;
    modeler.get('canvas').resized();
    mount(
      problemsBox,
      h('h3', null, message),
      h(
        'ul',
        null,
        problems.map((p) =>
          h('li', { 'data-element-id': p.elementId ?? '', class: unplaced.includes(p) ? 'unplaced' : '' }, p.elementId ? h('button', { type: 'button', class: 'link', onclick: () => select(p.elementId) }, p.elementId) : null, ' ', p.message, h('span', { class: 'muted small' }, ` (${p.rule}${p.line ? `, ${t('designer.line')} ${p.line}` : ''})`)),
        ),
      ),
    );
  }

  function closePane() {
    pane.hidden = true;
    for (const v of mine.splice(1)) v.destroy();
    pane.replaceChildren();
  }

  async function diffPicked() {
    const chosen = defs.filter((d) => picked.has(d.id)).sort((a, b) => a.version - b.version || a.id - b.id);
    if (chosen.length !== 2) return toast(t('designer.pickTwo'), 'error');
    closePane();
    const [before, after] = chosen;
    const left = h('div', { class: 'diagram' });
    const right = h('div', { class: 'diagram' });
    const summary = h('div', { class: 'diff-summary', 'data-test': 'diff-summary' });
    pane.hidden = false;
    mount(
      pane,
      h('div', { class: 'pane-head' }, h('h2', null, t('designer.diffTitle', { a: before.version, b: after.version })), h('button', { type: 'button', onclick: closePane }, t('designer.backToEditor'))),
      summary,
      h('div', { class: 'diff-grid' }, h('div', null, h('h3', null, `v${before.version}`), left), h('div', null, h('h3', null, `v${after.version}`), right)),
    );
    const [a, b] = [createViewer(left), createViewer(right)];
    mine.push(a, b);
    const [xa, xb] = await Promise.all([api<string>('GET', `/definitions/${before.id}/xml`), api<string>('GET', `/definitions/${after.id}/xml`)]);
    await Promise.all([show(a, xa), show(b, xb)]);
    const diff = diffModels(a.getDefinitions(), b.getDefinitions());
    a.get('diagramDiff').show(diff, 'before');
    b.get('diagramDiff').show(diff, 'after');
    mount(
      summary,
      h('span', { class: 'key added' }, t('designer.added', { n: diff.added.length })),
      h('span', { class: 'key removed' }, t('designer.removed', { n: diff.removed.length })),
      h('span', { class: 'key changed' }, t('designer.changed', { n: diff.changed.length })),
      h('div', { class: 'muted small' }, [...diff.added.map((id) => `+${id}`), ...diff.removed.map((id) => `−${id}`), ...diff.changed.map((id) => `~${id}`)].join('  ')),
    );
  }

  async function heatmap(d: Definition, days = 30, versions = 'this') {
    closePane();
    const diagram = h('div', { class: 'diagram tall' });
    const period = h(
      'select',
      { 'data-test': 'heat-period', onchange: () => heatmap(d, Number(period.value), scope.value) },
      [7, 30, 90, 365].map((n) => h('option', { value: n, selected: n === days }, t('designer.lastDays', { n }))),
    );
    const scope = h('select', { onchange: () => heatmap(d, Number(period.value), scope.value) }, h('option', { value: 'this', selected: versions === 'this' }, t('designer.thisVersion')), h('option', { value: 'all', selected: versions === 'all' }, t('designer.allVersions')));
    pane.hidden = false;
    mount(
      pane,
      h('div', { class: 'pane-head' }, h('h2', null, t('designer.heatTitle', { version: d.version })), period, scope, h('button', { type: 'button', onclick: closePane }, t('designer.backToEditor'))),
      h('div', { class: 'legend' }, ['heat-low', 'heat-mid', 'heat-high'].map((c) => h('span', { class: `key ${c}` }, t(`designer.${c}`)))),
      diagram,
    );
    const v = createViewer(diagram);
    mine.push(v);
    try {
      const [xml, stats] = await Promise.all([
        api<string>('GET', `/definitions/${d.id}/xml`),
        api<{ elements: ElementStats[] }>('GET', `/definitions/${d.id}/stats${query({ from: new Date(Date.now() - days * DAY).toISOString(), versions })}`),
      ]);
      await show(v, xml);
      v.get('slaHeatmap').show(stats.elements, (s: ElementStats) => [
        t('designer.heatOpen', { n: s.openTasks }),
        t('designer.heatMedian', { d: fmtDuration(s.medianMs) }),
        t('designer.heatBreached', { p: fmtPercent(s.breachedShare) }),
      ]);
    } catch (err) {
      diagram.replaceChildren(errorBox(err));
    }
  }

  async function download() {
    const { xml } = await modeler.saveXML({ format: true });
    const a = h('a', { href: URL.createObjectURL(new Blob([xml ?? ''], { type: 'application/xml' })), download: `${current?.key ?? 'process'}.bpmn` });
    a.click();
    URL.revokeObjectURL(a.href);
  }

  mount(
    outlet,
    h(
      'section',
      { class: 'page designer' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, t('designer.title'), h('span', { class: 'muted' }, ` · ${regionName(region)}`)),
        regionPicker,
        status,
        h(
          'div',
          { class: 'toolbar' },
          h('button', { type: 'button', class: 'primary', 'data-action': 'deploy', onclick: deploy }, t('designer.deploy')),
          h('button', { type: 'button', onclick: download }, t('designer.download')),
        ),
      ),
      problemsBox,
      h('div', { class: 'designer-grid' }, h('aside', { class: 'card' }, h('h2', null, t('designer.versions')), versionsBox), h('div', { class: 'editor' }, canvas, pane), panel),
    ),
  );

  await loadList();
  useDirectory(await directory);
  // Open the region's own latest version of the first process, else default's.
  const wanted = Number(search.get('definition'));
  const own = defs.filter((d) => d.region === region).sort((a, b) => b.version - a.version);
  const first = defs.find((d) => d.id === wanted) ?? own[0] ?? defs.filter((d) => d.region === 'default').sort((a, b) => b.version - a.version)[0];
  if (first) await open(first);
}

type CatalogueNode = { code: string; children: CatalogueNode[] };

/** Units, active staff and catalogue codes of a region as the deploy checks them; null for the shared default (checked per region by the server) or when unreadable. */
async function loadDirectory(region: string, regionName: string): Promise<Directory | null> {
  if (region === 'default') return null;
  try {
    const [groups, users, catalogue] = await Promise.all([
      api<{ items: Array<{ code: string }> }>('GET', `/groups${query({ region })}`),
      api<{ items: Array<{ username: string }> }>('GET', `/users${query({ region })}`),
      api<{ nodes: CatalogueNode[] }>('GET', `/regions/${encodeURIComponent(region)}/catalogue`),
    ]);
    const codes = new Set<string>();
    const collect = (nodes: CatalogueNode[]): void => {
      for (const n of nodes) {
        codes.add(n.code);
        collect(n.children);
      }
    };
    collect(catalogue.nodes);
    return { groups: new Set(groups.items.map((g) => g.code)), users: new Set(users.items.map((u) => u.username)), categories: codes, regionName };
  } catch {
    return null;
  }
}
