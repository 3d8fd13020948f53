import type { BpmnInstance } from '../../lib/bpmn.ts';

/**
 * Whether the modeler holds edits not yet deployed. bpmn-js's command stack says so:
 * every executed, undone or redone command is an edit; importing a diagram clears the
 * stack (trigger `clear`), which is the saved state again.
 */
export function trackUnsaved(modeler: BpmnInstance): { dirty(): boolean; saved(): void } {
  let dirty = false;
  modeler.get('eventBus').on('commandStack.changed', (e: { trigger?: string }) => {
    dirty = e.trigger !== 'clear';
  });
  return { dirty: () => dirty, saved: () => void (dirty = false) };
}
