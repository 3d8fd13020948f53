/**
 * Throttling (issue 11): fixed-window limits and growing login lockouts over
 * rate-limiter-flexible's stores — PostgreSQL (shared by all nodes) or memory
 * (embedded PGlite) — with time from the injected clock.
 */
export { createThrottle, clientIp, rateLimited, humanWait } from './throttle.ts';
export type { Throttle, LoginAttempt, ThrottleDeps } from './throttle.ts';
export { DEFAULT_LIMITS, LIMIT_ENV, limitsFromEnv, parseRule, parseDuration, scaledLimits } from './limits.ts';
export type { ThrottleLimits, WindowRule, LockoutRule, WindowRuleName } from './limits.ts';
export { RATE_LIMIT_TABLE } from './store.ts';
