/**
 * Where a case's process stopped: the element of its open incident gets the `case-incident`
 * marker (a thick dashed red outline, see styles.css) and a small badge, so the failing
 * step stands out from the open tasks that `case-path` already colours red.
 */
type Overlays = { add(el: unknown, type: string, o: { position: Record<string, number>; html: HTMLElement }): string; remove(filter: { type: string }): void };
type Canvas = { addMarker(el: unknown, cls: string): void; removeMarker(el: unknown, cls: string): void };
type Registry = { get(id: string): unknown };

const TYPE = 'bangni-case-incident';
export const INCIDENT_MARKER = 'case-incident';

export class CaseIncident {
  static $inject = ['canvas', 'elementRegistry', 'overlays'];
  private marked: unknown = null;

  constructor(
    private canvas: Canvas,
    private registry: Registry,
    private overlays: Overlays,
  ) {}

  /** Marks `elementId` (no-op when the diagram lacks it); `badge` is the page's word for it. Returns whether it was found. */
  show(elementId: string, badge: string): boolean {
    this.clear();
    const el = this.registry.get(elementId);
    if (!el) return false;
    this.canvas.addMarker(el, INCIDENT_MARKER);
    this.marked = el;
    const html = document.createElement('div');
    html.className = 'bangni-incident-badge';
    html.dataset.elementId = elementId;
    html.textContent = `⚠ ${badge}`;
    this.overlays.add(el, TYPE, { position: { top: -14, left: -6 }, html });
    return true;
  }

  clear(): void {
    this.overlays.remove({ type: TYPE });
    if (this.marked) this.canvas.removeMarker(this.marked, INCIDENT_MARKER);
    this.marked = null;
  }
}

export default {
  __init__: ['caseIncident'],
  caseIncident: ['type', CaseIncident],
};
