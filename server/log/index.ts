export { createLogs, messageDestination, isLogLevel, LOG_LEVELS } from './logger.ts';
export type { Logs, LogOptions, LogLevel, Logger, DestinationStream } from './logger.ts';
export { LogScope } from './scope.ts';
export type { ScopeFields } from './scope.ts';
export { requestLog, REQUEST_ID_HEADER } from './request-log.ts';
export { REDACT_PATHS, scrubText } from './redact.ts';
