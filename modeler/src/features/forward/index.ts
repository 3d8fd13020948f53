import { h, toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { indented } from '../../lib/units.ts';
import { t } from '../../i18n/index.ts';
import { actionForm, field, textArea, val } from '../case-actions/form.ts';

interface SubUnit {
  id: string;
  name: string;
  depth: number;
}

/**
 * 二级派单 on the task panel: the unit passes its task to one of its sub-units (POST
 * /tasks/:id/forward). The server says which sub-units there are (`forwardTo` of GET
 * /tasks/:id); without any the control stays hidden, so a unit with no sub-units sees no button.
 */
export function forwardControl(taskId: number, done: () => void): HTMLElement {
  const slot = h('div', { class: 'forward', 'data-test': 'forward', hidden: true });
  void api<{ forwardTo?: SubUnit[] }>('GET', `/tasks/${taskId}`).then((task) => {
    const units = task.forwardTo ?? [];
    if (!units.length || !slot.isConnected) return;
    // Depth 0 are the task's own units' children: shown flush, their sub-units indented.
    const picker = h('select', { name: 'unit', required: true, 'data-test': 'forward-unit' }, h('option', { value: '' }, t('common.choose')), units.map((u) => h('option', { value: u.id }, indented(u.name, u.depth))));
    slot.append(actionForm('forward', t('forward.title'), [field(t('forward.unit'), picker), field(t('forward.note'), textArea('note', false))], async (form) => {
      await api('POST', `/tasks/${taskId}/forward`, { body: { unit: val(form, 'unit'), note: val(form, 'note') || undefined } });
      toast(t('forward.done', { unit: units.find((u) => u.id === val(form, 'unit'))?.name ?? val(form, 'unit') }));
      done();
    }, { hint: t('forward.hint') }));
    slot.hidden = false;
  }).catch(() => undefined); // no sub-units to offer is the same as none: the task panel works without it
  return slot;
}
