import type { DiagramDiff } from './diff.ts';

export { diffModels } from './diff.ts';
export type { DiagramDiff } from './diff.ts';

type Canvas = { addMarker(el: unknown, cls: string): void; removeMarker(el: unknown, cls: string): void };
type Registry = { get(id: string): unknown };

const MARKERS = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-changed' } as const;

/**
 * Colours a diff on a diagram: green added, red removed, amber changed. The old version's viewer
 * shows `removed` and `changed`; the new one `added` and `changed`.
 */
export class DiagramDiffMarkers {
  static $inject = ['canvas', 'elementRegistry'];
  private marked: Array<[unknown, string]> = [];

  constructor(
    private canvas: Canvas,
    private registry: Registry,
  ) {}

  show(diff: DiagramDiff, side: 'before' | 'after'): number {
    this.clear();
    const kinds = side === 'before' ? (['removed', 'changed'] as const) : (['added', 'changed'] as const);
    for (const kind of kinds) {
      for (const id of diff[kind]) {
        const el = this.registry.get(id);
        if (!el) continue;
        this.canvas.addMarker(el, MARKERS[kind]);
        this.marked.push([el, MARKERS[kind]]);
      }
    }
    return this.marked.length;
  }

  clear(): void {
    for (const [el, cls] of this.marked) this.canvas.removeMarker(el, cls);
    this.marked = [];
  }
}

export default {
  __init__: ['diagramDiff'],
  diagramDiff: ['type', DiagramDiffMarkers],
};
