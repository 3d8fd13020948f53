import { h, mount, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { t, label } from '../../i18n/index.ts';
import { URGENCIES } from '../../lib/catalog.ts';
import { errorBox } from '../guard.ts';
import { clearFormError, errorSlot, showFormError } from './form.ts';

/** One rule as GET /regions/:region/rules gives it. */
export interface RuleView {
  value: unknown;
  inherited: boolean;
  from: 'region' | 'default' | 'code';
  inheritedValue: unknown;
}
export type RulesView = Record<string, RuleView>;

type Target = { code: string; name: string };

/** How each rule is shown and edited; the order is the table's. */
const KINDS: Record<string, 'score' | 'duration' | 'groups' | 'targets' | 'closeKinds' | 'counted' | 'urgencyNames'> = {
  reopenMaxScore: 'score',
  transferTargets: 'targets',
  steeringGroups: 'groups',
  evaluationTimeout: 'duration',
  responseExcludedGroups: 'groups',
  answerElementPrefixes: 'groups',
  satisfiedMinScore: 'score',
  resolvedMinScore: 'score',
  excludedCloseKinds: 'closeKinds',
  evaluationsCounted: 'counted',
  // Code and name per line, like the transfer targets.
  channels: 'targets',
  requestTypes: 'targets',
  urgencyNames: 'urgencyNames',
};
const CLOSE_KINDS = ['not_accepted', 'emergency', 'merged'];
const words = (text: string) => text.split(/[\s,，、]+/).filter(Boolean);

/** A value as people read it: 分 for scores, 天/小时 for durations, names with codes. */
function shown(name: string, value: unknown): string {
  const kind = KINDS[name];
  if (kind === 'score') return t('admin.rules.score', { n: String(value) });
  if (kind === 'duration') return durationText(String(value));
  if (kind === 'targets') return (value as Target[]).map((x) => `${x.code} ${x.name}`).join('、');
  if (kind === 'closeKinds') return (value as string[]).length ? (value as string[]).map((k) => t(`admin.rules.close.${k}`)).join('、') : t('admin.rules.none');
  if (kind === 'counted') return t(`admin.rules.counted.${String(value)}`);
  if (kind === 'urgencyNames') return URGENCIES.map((u) => `${u} ${(value as Record<string, string>)[u]}`).join('、');
  return (value as string[]).join(', ');
}

function durationText(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/.exec(iso);
  if (!m || (!m[1] && !m[2])) return iso;
  return [m[1] && t('admin.rules.days', { n: m[1] }), m[2] && t('admin.rules.hours', { n: m[2] })].filter(Boolean).join(' ') + ` (${iso})`;
}

/** The control that edits one rule, and how to read the value back from it. */
function editor(name: string, value: unknown): { control: HTMLElement; read: () => unknown } {
  const kind = KINDS[name];
  if (kind === 'score') {
    const sel = h('select', { name }, [1, 2, 3, 4, 5].map((n) => h('option', { value: String(n), selected: n === value }, t('admin.rules.score', { n: String(n) }))));
    return { control: sel, read: () => Number(sel.value) };
  }
  if (kind === 'counted') {
    const sel = h('select', { name }, ['latest', 'every'].map((v) => h('option', { value: v, selected: v === value }, t(`admin.rules.counted.${v}`))));
    return { control: sel, read: () => sel.value };
  }
  if (kind === 'closeKinds') {
    const boxes = CLOSE_KINDS.map((k) => h('input', { type: 'checkbox', value: k, checked: (value as string[]).includes(k) }));
    const control = h('span', { class: 'checks' }, boxes.map((b, i) => h('label', null, b, ' ', t(`admin.rules.close.${CLOSE_KINDS[i]}`))));
    return { control, read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
  }
  if (kind === 'targets') {
    const area = h('textarea', { name, rows: 4, value: (value as Target[]).map((x) => `${x.code} ${x.name}`).join('\n') });
    const read = () => area.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [code, ...rest] = l.split(/\s+/);
      return { code: code ?? '', name: rest.join(' ') };
    });
    return { control: area, read };
  }
  if (kind === 'urgencyNames') {
    const inputs = URGENCIES.map((u) => h('input', { name: `${name}.${u}`, value: (value as Record<string, string>)[u] ?? '', maxlength: 40, 'aria-label': label('urgency', u) }));
    const control = h('span', { class: 'checks' }, inputs.map((input, i) => h('label', null, h('code', { class: 'small' }, URGENCIES[i]), ' ', input)));
    return { control, read: () => Object.fromEntries(URGENCIES.map((u, i) => [u, inputs[i]!.value.trim()])) };
  }
  const input = h('input', { name, value: kind === 'duration' ? String(value) : (value as string[]).join(', '), autocapitalize: 'off' });
  return { control: input, read: () => (kind === 'duration' ? input.value.trim() : words(input.value)) };
}

/**
 * The rules card: each of the region's side-task rules and 三率 definitions with its effective
 * value and where it comes from (this region, the default region, or the built-in value); edit
 * overrides it, reset goes back to inheriting. `default`'s own values reach every region that
 * does not override them.
 */
export function rulesCard(region: string, rules: RulesView, saved: () => void): HTMLElement {
  const error = errorSlot();
  const enc = encodeURIComponent(region);
  const form = h('form', { class: 'rules-form', novalidate: true, onsubmit: (e: Event) => e.preventDefault() });

  async function save(patch: Record<string, unknown>) {
    clearFormError(form, error);
    try {
      await api('PUT', `/regions/${enc}/rules`, { body: patch });
      toast(t('admin.saved'));
      saved();
    } catch (err) {
      showFormError(form, error, err);
    }
  }

  const source = (r: RuleView) =>
    r.from === 'region' ? t(region === 'default' ? 'admin.rules.fromDefaultOwn' : 'admin.rules.fromRegion') : r.from === 'default' ? t('admin.rules.fromDefault') : t('admin.rules.fromCode');

  const rows = Object.keys(KINDS).filter((name) => rules[name]).map((name) => {
    const r = rules[name]!;
    const valueCell = h('td', { 'data-label': t('admin.rules.value') }, shown(name, r.value));
    const actions = h('td', null);
    const idle = () => {
      mount(valueCell, shown(name, r.value));
      mount(
        actions,
        h('button', { type: 'button', class: 'small', 'data-action': 'edit-rule', onclick: edit }, t('admin.edit')),
        r.inherited ? null : h('button', { type: 'button', class: 'small', 'data-action': 'reset-rule', title: t('admin.rules.resetHint', { value: shown(name, r.inheritedValue) }), onclick: () => void save({ [name]: null }) }, t('admin.rules.reset')),
      );
    };
    function edit() {
      const e = editor(name, r.value);
      mount(valueCell, h('span', { class: 'field', 'data-field': name }, e.control, h('span', { class: 'field-error', role: 'alert' })));
      mount(
        actions,
        h('button', { type: 'button', class: 'small primary', 'data-action': 'save-rule', onclick: () => void save({ [name]: e.read() }) }, t('admin.save')),
        h('button', { type: 'button', class: 'small', 'data-action': 'cancel-rule', onclick: idle }, t('admin.rules.cancel')),
      );
      e.control.focus();
    }
    idle();
    return h(
      'tr',
      { 'data-rule': name, 'data-inherited': String(r.inherited) },
      // One block for the name and its hint: the phone layout puts a cell's children side by side.
      h('td', { 'data-label': t('admin.rules.rule') }, h('div', null, h('strong', null, t(`admin.rules.name.${name}`)), h('div', { class: 'muted small' }, t(`admin.rules.hint.${name}`)))),
      valueCell,
      h('td', { 'data-label': t('admin.rules.source'), class: r.inherited ? 'muted' : '' }, source(r)),
      actions,
    );
  });

  mount(
    form,
    h(
      'table',
      { class: 'grid', 'data-test': 'rules-table' },
      h('thead', null, h('tr', null, [t('admin.rules.rule'), t('admin.rules.value'), t('admin.rules.source'), ''].map((c) => h('th', null, c)))),
      h('tbody', null, rows),
    ),
    error,
  );
  return h('section', { class: 'card', 'data-test': 'admin-rules' }, h('h2', null, t('admin.rules')), h('p', { class: 'muted small' }, t('admin.rules.lead')), form);
}

/** The 规则 tab: the card, read again after every save. */
export async function rulesTab(region: string): Promise<HTMLElement> {
  const slot = h('div', { 'data-test': 'rules-tab' });
  const load = async () => {
    try {
      const view = await api<{ rules: RulesView }>('GET', `/regions/${encodeURIComponent(region)}/rules`);
      mount(slot, rulesCard(region, view.rules, () => void load()));
    } catch (err) {
      mount(slot, errorBox(err));
    }
  };
  await load();
  return slot;
}
