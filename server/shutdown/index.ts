/**
 * Graceful shutdown (issue 14): stop taking work, let the work in flight
 * finish, close the pools, all within a deadline that then turns forceful.
 */
export { shutdownInPhases } from './shutdown.ts';
export type { ShutdownPart, ShutdownOutcome, ShutdownOptions } from './shutdown.ts';
export { trackHttp } from './http.ts';
export type { HttpTracker, ClosingServer } from './http.ts';
