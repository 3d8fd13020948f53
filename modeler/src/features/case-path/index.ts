/**
 * A case's position on its diagram: elements it passed (timeline `process.advanced` and ended
 * tasks) in blue, the sequence flows between them, and the open tasks highlighted as "here now".
 */
type Canvas = { addMarker(el: unknown, cls: string): void; removeMarker(el: unknown, cls: string): void };
type Registry = { get(id: string): unknown; filter(fn: (el: any) => boolean): any[] };

export interface CasePosition {
  passed: string[];
  current: string[];
}

export class CasePath {
  static $inject = ['canvas', 'elementRegistry'];
  private marked: Array<[unknown, string]> = [];

  constructor(
    private canvas: Canvas,
    private registry: Registry,
  ) {}

  show(pos: CasePosition): void {
    this.clear();
    const visited = new Set([...pos.passed, ...pos.current]);
    const mark = (el: unknown, cls: string) => {
      this.canvas.addMarker(el, cls);
      this.marked.push([el, cls]);
    };
    for (const id of new Set(pos.passed)) {
      const el = this.registry.get(id);
      if (el && !pos.current.includes(id)) mark(el, 'path-passed');
    }
    for (const id of pos.current) {
      const el = this.registry.get(id);
      if (el) mark(el, 'path-current');
    }
    // A flow was taken when both its ends were visited (exact for the tree-like processes we run).
    for (const flow of this.registry.filter((e) => e.type === 'bpmn:SequenceFlow')) {
      const bo = flow.businessObject;
      if (visited.has(bo.sourceRef?.id) && visited.has(bo.targetRef?.id)) mark(flow, 'path-flow');
    }
  }

  clear(): void {
    for (const [el, cls] of this.marked) this.canvas.removeMarker(el, cls);
    this.marked = [];
  }
}

export default {
  __init__: ['casePath'],
  casePath: ['type', CasePath],
};
