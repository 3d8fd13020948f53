import type { Request } from 'express';
import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import type { Sealer } from '../crypto/index.ts';
import { AppError } from '../errors/index.ts';
import { DEFAULT_LIMITS, type LockoutRuleName, type ThrottleLimits, type WindowRuleName } from './limits.ts';
import { Lockout, type Attempt } from './lockout.ts';
import { createCounterStore, type CounterStore } from './store.ts';
import { hitWindow } from './window.ts';

export interface Throttle {
  readonly limits: ThrottleLimits;
  /** One request against a window rule: throws 429 `rate_limited` (with Retry-After) once the window is full. */
  hit(rule: WindowRuleName, value: string): Promise<void>;
  /**
   * Guards one login: throws 429 while the username or the address is locked
   * out (before any password is checked); else the attempt, to report as failed or succeeded.
   */
  loginAttempt(ip: string, username: string): Promise<LoginAttempt>;
  /** Deletes counters forgotten more than an hour ago (the daily job `rate-limit-purge`). */
  purge(): Promise<number>;
}

export interface LoginAttempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  /** Neither: the check did not happen (a technical error); the attempt is not counted. */
  undo(): Promise<void>;
}

export interface ThrottleDeps {
  db: { kind: 'pg' | 'pglite'; knex: Knex; schema: string };
  clock: Clock;
  sealer: Sealer;
  /** Over the defaults; `false` turns throttling off (benchmarks only). */
  limits?: Partial<ThrottleLimits> | false;
}

/** What a person reads on a 429, by rule. */
const MESSAGES: Record<WindowRuleName | 'login', string> = {
  login: 'Too many failed logins for this account or from this address.',
  trackIp: 'Too many tracking requests from this address.',
  trackCase: 'Too many tracking requests for this case.',
  intakeIp: 'Too many requests submitted from this address.',
  intakePhone: 'Too many requests submitted with this phone number.',
  open311Key: 'Too many requests posted with this api_key or from this address.',
  open311Ip: 'Too many requests posted from this address.',
};

/** "40 seconds", "3 minutes", "2 hours". */
export function humanWait(seconds: number): string {
  const [n, unit] = seconds < 60 ? [seconds, 'second'] : seconds < 3600 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** 429 with the wait in `Retry-After` (whole seconds, at least 1) and in words. */
export function rateLimited(what: WindowRuleName | 'login', retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError('rate_limited', `${MESSAGES[what]} Please try again in ${humanWait(seconds)}.`, {
    status: 429, headers: { 'Retry-After': String(seconds) }, details: { retryAfter: seconds },
  });
}

/**
 * The address a request came from: `req.ip`, which follows X-Forwarded-For
 * only as far as express's `trust proxy` (BANGNI_TRUST_PROXY) allows — never
 * a header a client can set on a direct connection.
 */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

const OFF: Throttle = {
  limits: DEFAULT_LIMITS,
  hit: async () => undefined,
  loginAttempt: async () => ({ failed: async () => undefined, succeeded: async () => undefined, undo: async () => undefined }),
  purge: async () => 0,
};

/** Builds the throttle over the app's database (PostgreSQL: shared table; PGlite: memory). */
export function createThrottle(deps: ThrottleDeps): Throttle {
  if (deps.limits === false) return OFF;
  const limits: ThrottleLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const { clock, sealer } = deps;
  const store: CounterStore = createCounterStore(deps.db);
  // Keys are keyed hashes: the table never holds an address, a username or a phone number.
  const key = (rule: string, value: string) => `${rule}:${sealer.hash('throttle', `${rule}\u0000${value}`).slice(0, 32)}`;
  const lockouts: Record<LockoutRuleName, Lockout> = {
    loginUser: new Lockout(store, clock, limits.loginUser),
    loginIp: new Lockout(store, clock, limits.loginIp),
  };

  return {
    limits,
    async hit(rule, value) {
      const wait = await hitWindow(store, clock, limits[rule], key(rule, value));
      if (wait !== null) throw rateLimited(rule, wait);
    },
    async loginAttempt(ip, username) {
      const attempts: Attempt[] = [];
      let wait = 0;
      for (const [rule, value] of [['loginUser', username.trim().toLowerCase()], ['loginIp', ip]] as const) {
        const r = await lockouts[rule].attempt(key(rule, value));
        if ('attempt' in r) attempts.push(r.attempt);
        else wait = Math.max(wait, r.retryAfterMs);
      }
      if (wait > 0) {
        // A refused attempt is not a failure: it must not lengthen anyone's lockout.
        for (const a of attempts) await a.undo();
        throw rateLimited('login', wait);
      }
      const [user, address] = attempts;
      return {
        async failed() {
          await user.failed();
          await address.failed();
        },
        async succeeded() {
          await user.succeeded();
          // The address keeps its other failures (logging in to one's own account must not reset a spray), minus this attempt.
          await address.undo();
        },
        async undo() {
          for (const a of attempts) await a.undo();
        },
      };
    },
    purge: () => store.purge(new Date(clock.now().getTime() - 3_600_000)),
  };
}
