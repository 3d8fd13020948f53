export { completeTask } from './complete.ts';
export type { CompleteInput } from './complete.ts';
export { listTasks, taskQuerySchema } from './list.ts';
export type { TaskQuery, TaskScope } from './list.ts';
export { checkForm } from './form.ts';
