export { createCaseRuntime } from './runtime.ts';
export type { CaseRuntime } from './runtime.ts';
export { startCase, newCaseSchema, CATEGORIES, URGENCIES } from './start.ts';
export type { NewCase, StartedCase } from './start.ts';
export { lockCase, advanceLockedCase, recordIncident } from './advance.ts';
export type { LockedCaseRow } from './advance.ts';
export { getCaseDetail, caseView, taskView, CASE_COLUMNS } from './read.ts';
export type { StepHook, StepChanges } from './save-step.ts';
