/**
 * The two bpmn-js set-ups of the app: the Modeler with the Camunda 7 properties panel and live
 * lint for designers, and a navigated viewer with our overlay features for everyone else.
 */
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import lintConfig from 'virtual:bangni-lint-config';
import deployProblems from '../features/deploy-problems/index.ts';
import diagramDiff from '../features/diagram-diff/index.ts';
import slaHeatmap from '../features/sla-heatmap/index.ts';
import casePath from '../features/case-path/index.ts';
import caseIncident from '../features/case-incident/index.ts';
import translateModule from '../features/translate/index.ts';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';

export type BpmnInstance = {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(o?: { format?: boolean }): Promise<{ xml?: string }>;
  get<T = any>(name: string): T;
  getDefinitions(): any;
  destroy(): void;
  on(event: string, fn: (e: any) => void): void;
};

/** The designer's editor: properties panel in `panel`, lint active from the start. */
export function createModeler(container: HTMLElement, panel: HTMLElement): BpmnInstance {
  return new Modeler({
    container,
    propertiesPanel: { parent: panel },
    linting: { bpmnlint: lintConfig, active: true },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      lintModule,
      deployProblems,
      slaHeatmap,
      translateModule,
    ],
    moddleExtensions: { camunda: camundaModdle },
  }) as unknown as BpmnInstance;
}

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
