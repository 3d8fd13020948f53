export { StepRunner } from './run.ts';
export type { StepInput, StepResult, EngineState, TimerFired } from './run.ts';
export { SourceCache, camundaDescriptor } from './source.ts';
export type { SourceContext } from './source.ts';
export { createFeelExpressions, evaluateFeel } from './feel.ts';
export type { FeelFunctions } from './feel.ts';
export type { TaskWait, FormField } from './task-wait.ts';
export { toInstant, durationMs } from './task-wait.ts';
