/// <reference types="vite/client" />

declare module 'virtual:bangni-lint-config' {
  const config: { config: { rules: Record<string, string> }; resolver: unknown };
  export default config;
}
declare module 'bpmn-js-properties-panel';
declare module 'bpmn-js-bpmnlint';
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform';
declare module 'camunda-bpmn-moddle/resources/camunda.json';
