export { Scheduler, WAKE_CHANNEL } from './scheduler.ts';
export type { SchedulerOptions } from './scheduler.ts';
export { fireDueTimers, nextWakeAt } from './fire-due.ts';
