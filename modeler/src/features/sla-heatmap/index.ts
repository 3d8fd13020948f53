/**
 * The SLA heat map: each user task of a deployed diagram is tinted by the share of its tasks that
 * breached their due time (green → amber → red) and carries a badge with open tasks now, the
 * median duration and the breached share, from `GET /definitions/:id/stats`.
 */
import type { ElementStats } from '../../../../server/definitions/element-stats.ts';

export type { ElementStats };

type Overlays = { add(el: unknown, type: string, o: { position: Record<string, number>; html: HTMLElement }): string; remove(filter: { type: string }): void };
type Canvas = { addMarker(el: unknown, cls: string): void; removeMarker(el: unknown, cls: string): void };
type Registry = { get(id: string): unknown };

const TYPE = 'bangni-sla-heat';

/** The heat class for a breached share: thresholds a supervisor reads at a glance. */
export function heatLevel(share: number | null): 'heat-none' | 'heat-low' | 'heat-mid' | 'heat-high' {
  if (share === null) return 'heat-none';
  if (share < 0.1) return 'heat-low';
  if (share < 0.3) return 'heat-mid';
  return 'heat-high';
}

export class SlaHeatmap {
  static $inject = ['overlays', 'canvas', 'elementRegistry'];
  private marked: Array<[unknown, string]> = [];

  constructor(
    private overlays: Overlays,
    private canvas: Canvas,
    private registry: Registry,
  ) {}

  /** `describe` renders the badge text (the page owns wording and language). */
  show(stats: ElementStats[], describe: (s: ElementStats) => string[]): void {
    this.clear();
    for (const s of stats) {
      const el = this.registry.get(s.elementId);
      if (!el) continue;
      const level = heatLevel(s.breachedShare);
      this.canvas.addMarker(el, level);
      this.marked.push([el, level]);
      const html = document.createElement('div');
      html.className = `bangni-heat-badge ${level}`;
      html.dataset.elementId = s.elementId;
      for (const text of describe(s)) {
        const line = document.createElement('div');
        line.textContent = text;
        html.appendChild(line);
      }
      this.overlays.add(el, TYPE, { position: { top: -8, right: 8 }, html });
    }
  }

  clear(): void {
    this.overlays.remove({ type: TYPE });
    for (const [el, cls] of this.marked) this.canvas.removeMarker(el, cls);
    this.marked = [];
  }
}

export default {
  __init__: ['slaHeatmap'],
  slaHeatmap: ['type', SlaHeatmap],
};
