export { Scheduler, WAKE_CHANNEL } from './scheduler.ts';
export type { SchedulerOptions } from './scheduler.ts';
export { fireDueTimers, nextWakeAt, dueTimerCount } from './fire-due.ts';
