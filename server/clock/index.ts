export { systemClock, ManualClock, MINUTE, HOUR, DAY } from './clock.ts';
export type { Clock } from './clock.ts';
export { isTimeZone } from './time-zone.ts';
