/**
 * Shows the server's deploy problems (422 `definition_invalid`) on the canvas: each problem with an
 * element id gets a red marker and an overlay with its message(s) on that element. Problems the
 * canvas cannot place (no element, or an id not drawn) are returned for the page to list.
 */
export interface DeployProblem {
  elementId: string | null;
  rule: string;
  message: string;
  line?: number;
}

type Overlays = { add(el: unknown, type: string, o: { position: Record<string, number>; html: HTMLElement }): string; remove(filter: { type: string }): void };
type Canvas = { addMarker(el: unknown, cls: string): void; removeMarker(el: unknown, cls: string): void };
type Registry = { get(id: string): unknown };
type EventBus = { on(event: string, fn: () => void): void };

const TYPE = 'bangni-deploy-problem';
const MARKER = 'bangni-problem';

export class DeployProblems {
  static $inject = ['overlays', 'canvas', 'elementRegistry', 'eventBus'];
  private marked: unknown[] = [];

  constructor(
    private overlays: Overlays,
    private canvas: Canvas,
    private registry: Registry,
    eventBus: EventBus,
  ) {
    // A new diagram makes the old findings meaningless.
    eventBus.on('import.done', () => this.clear());
  }

  /** Marks every placeable problem; returns the ones that have no element on the canvas. */
  show(problems: DeployProblem[]): DeployProblem[] {
    this.clear();
    const byElement = new Map<string, DeployProblem[]>();
    const unplaced: DeployProblem[] = [];
    for (const p of problems) {
      if (p.elementId && this.registry.get(p.elementId)) byElement.set(p.elementId, [...(byElement.get(p.elementId) ?? []), p]);
      else unplaced.push(p);
    }
    for (const [id, list] of byElement) {
      const el = this.registry.get(id);
      this.canvas.addMarker(el, MARKER);
      this.marked.push(el);
      const html = document.createElement('div');
      html.className = 'bangni-problem-overlay';
      html.dataset.elementId = id;
      for (const p of list) {
        const line = document.createElement('div');
        line.textContent = p.message;
        line.title = p.rule;
        html.appendChild(line);
      }
      this.overlays.add(el, TYPE, { position: { bottom: -6, left: 0 }, html });
    }
    return unplaced;
  }

  clear(): void {
    this.overlays.remove({ type: TYPE });
    for (const el of this.marked) this.canvas.removeMarker(el, MARKER);
    this.marked = [];
  }
}

export default {
  __init__: ['deployProblems'],
  deployProblems: ['type', DeployProblems],
};
