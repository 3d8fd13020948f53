/**
 * The designer's bpmn-js set-up: the Modeler with the Camunda 7 properties panel and live lint
 * with the server's own rules. Apart from `bpmn.ts` (the viewer) so only the designer loads it.
 */
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import lintConfig from 'virtual:bangni-lint-config';
import deployProblems from '../features/deploy-problems/index.ts';
import slaHeatmap from '../features/sla-heatmap/index.ts';
import translateModule from '../features/translate/index.ts';
import type { BpmnInstance } from './bpmn.ts';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';

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
