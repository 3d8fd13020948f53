import { h } from '../../lib/dom.ts';
import { t } from '../../i18n/index.ts';

/** The width at and below which the case page is laid out for a phone (styles.css has the same). */
export const PHONE_MAX_PX = 600;

export const isPhone = () => window.matchMedia(`(max-width: ${PHONE_MAX_PX}px)`).matches;

/**
 * On a phone the task form comes first (CSS puts the side column on top) and the diagram
 * waits behind "查看流程图": 1,750 px of diagram and facts above the form was the complaint.
 * `draw` runs on the first opening — bpmn-js cannot fit a diagram into a hidden box of no size.
 */
export function diagramToggle(card: HTMLElement, draw: () => Promise<void>): HTMLElement {
  let drawn = false;
  const button = h('button', { type: 'button', class: 'diagram-toggle', 'data-test': 'diagram-toggle', 'aria-expanded': 'false' }, t('actions.showDiagram'));
  button.addEventListener('click', () => {
    const open = card.classList.toggle('open');
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? t('actions.hideDiagram') : t('actions.showDiagram');
    if (open && !drawn) {
      drawn = true;
      void draw();
    }
  });
  card.prepend(button);
  return card;
}
