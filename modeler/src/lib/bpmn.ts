/**
 * The read-only bpmn-js set-up of the app: a navigated viewer with our overlay features, for
 * the case page and the designer's diff. The designer's Modeler is in `modeler.ts`, so the case
 * page's chunk carries neither the modeling nor the properties panel nor the lint rules. Pages
 * load this module with `import()`: the case and its task form show before it arrives.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import diagramDiff from '../features/diagram-diff/index.ts';
import slaHeatmap from '../features/sla-heatmap/index.ts';
import casePath from '../features/case-path/index.ts';
import caseIncident from '../features/case-incident/index.ts';
import translateModule from '../features/translate/index.ts';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';

export type BpmnInstance = {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(o?: { format?: boolean }): Promise<{ xml?: string }>;
  get<T = any>(name: string): T;
  getDefinitions(): any;
  destroy(): void;
  on(event: string, fn: (e: any) => void): void;
};

/** A read-only diagram with the diff, heat map, case-path and case-incident features. */
export function createViewer(container: HTMLElement): BpmnInstance {
  return new NavigatedViewer({
    container,
    additionalModules: [diagramDiff, slaHeatmap, casePath, caseIncident, translateModule],
    moddleExtensions: { camunda: camundaModdle },
  }) as unknown as BpmnInstance;
}

/**
 * Imports and fits the diagram to its container; `leftPad` (screen px) keeps the modeler's
 * palette from covering the first elements.
 */
export async function show(instance: BpmnInstance, xml: string, opts: { leftPad?: number } = {}): Promise<void> {
  await instance.importXML(xml);
  const canvas = instance.get('canvas');
  canvas.zoom('fit-viewport', 'auto');
  const pad = opts.leftPad ?? 0;
  if (pad) {
    const vb = canvas.viewbox();
    const d = pad / vb.scale;
    canvas.viewbox({ x: vb.x - d, y: vb.y - d / 4, width: vb.width + d * 1.2, height: vb.height + d / 2 });
  }
}
