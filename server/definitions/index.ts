export { deployDefinition, latestDefinitionFor, definitionXml, getDefinition, listDefinitions } from './deploy.ts';
export type { DefinitionRow, DeployInput } from './deploy.ts';
export { deployProcessFiles } from './files.ts';
export { validateBpmn, MAX_BPMN_BYTES } from './validate.ts';
export type { Problem, ValidationResult } from './validate.ts';
export { LatestDefinitions, definitionsChanged, DEPLOYED_CHANNEL } from './latest-cache.ts';
export { definitionStats } from './element-stats.ts';
export type { ElementStats } from './element-stats.ts';
