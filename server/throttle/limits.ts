/**
 * What is throttled and how much (issue 11). Two kinds of rule:
 * a **window** — at most `limit` requests per fixed window of `windowMs`,
 * windows aligned on the injected clock so every node counts the same window;
 * a **lockout** — after `failures` failed logins, refused for `lockoutMs`,
 * doubling with each further failure up to `maxLockoutMs`; a success clears it;
 * failures are forgotten after `memoryMs`.
 */
export interface WindowRule {
  limit: number;
  windowMs: number;
}

export interface LockoutRule {
  failures: number;
  lockoutMs: number;
  maxLockoutMs: number;
  memoryMs: number;
}

export interface ThrottleLimits {
  /** Failed logins per username (known or not: an unknown one locks the same way). */
  loginUser: LockoutRule;
  /** Failed logins per client address, whatever the username (password spraying). */
  loginIp: LockoutRule;
  /** Citizen tracking: lookups, photos and evaluations per client address. */
  trackIp: WindowRule;
  /** Citizen tracking per case number, from any address (guessing one case's code). */
  trackCase: WindowRule;
  /** Anonymous intake (POST /api/v1/cases without a login) per client address. */
  intakeIp: WindowRule;
  /** Anonymous intake per citizen phone number (by its keyed hash). */
  intakePhone: WindowRule;
  /** Open311 POST requests per api_key. */
  open311Key: WindowRule;
  /** Open311 POST requests without an api_key, per client address. */
  open311Ip: WindowRule;
}

export type WindowRuleName = { [K in keyof ThrottleLimits]: ThrottleLimits[K] extends WindowRule ? K : never }[keyof ThrottleLimits];
export type LockoutRuleName = 'loginUser' | 'loginIp';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_LIMITS: ThrottleLimits = {
  loginUser: { failures: 5, lockoutMs: MINUTE, maxLockoutMs: HOUR, memoryMs: DAY },
  // An office behind one NAT address types wrong passwords too: a higher threshold, forgotten sooner.
  loginIp: { failures: 20, lockoutMs: MINUTE, maxLockoutMs: HOUR, memoryMs: HOUR },
  trackIp: { limit: 60, windowMs: MINUTE },
  trackCase: { limit: 30, windowMs: MINUTE },
  intakeIp: { limit: 30, windowMs: HOUR },
  intakePhone: { limit: 5, windowMs: HOUR },
  // An Open311 client is usually a site or app posting for many citizens.
  open311Key: { limit: 600, windowMs: HOUR },
  open311Ip: { limit: 30, windowMs: HOUR },
};

/** The environment variable of each rule (README "Limits"). */
export const LIMIT_ENV: Record<keyof ThrottleLimits, string> = {
  loginUser: 'BANGNI_LIMIT_LOGIN_USER',
  loginIp: 'BANGNI_LIMIT_LOGIN_IP',
  trackIp: 'BANGNI_LIMIT_TRACK_IP',
  trackCase: 'BANGNI_LIMIT_TRACK_CASE',
  intakeIp: 'BANGNI_LIMIT_INTAKE_IP',
  intakePhone: 'BANGNI_LIMIT_INTAKE_PHONE',
  open311Key: 'BANGNI_LIMIT_OPEN311_KEY',
  open311Ip: 'BANGNI_LIMIT_OPEN311_IP',
};

const UNITS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY };

/** `90s`, `15m`, `1h`, `1d` → milliseconds; null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})(s|m|h|d)$/.exec(text.trim());
  return m && Number(m[1]) > 0 ? Number(m[1]) * UNITS[m[2]] : null;
}

/**
 * A rule from its environment form: `<count>/<window>` for a window rule
 * (`60/1m`), `<failures>/<first lockout>[/<longest lockout>]` for a login rule
 * (`5/1m/1h`). Throws with the variable's name on anything else.
 */
export function parseRule<R extends WindowRule | LockoutRule>(name: string, text: string, base: R): R {
  const parts = text.split('/');
  const count = Number(parts[0]);
  const first = parts[1] === undefined ? null : parseDuration(parts[1]);
  const isLockout = 'failures' in base;
  const longest = parts[2] === undefined ? undefined : parseDuration(parts[2]);
  const ok = Number.isInteger(count) && count >= 1 && first !== null && (isLockout ? parts.length <= 3 && longest !== null : parts.length === 2);
  if (!ok) {
    const form = isLockout ? '<failures>/<lockout>[/<longest lockout>], e.g. 5/1m/1h' : '<count>/<window>, e.g. 60/1m';
    throw new Error(`${name} must be ${form} (units s, m, h, d; got "${text}")`);
  }
  if (!isLockout) return { limit: count, windowMs: first } as R;
  const b = base as LockoutRule;
  const maxLockoutMs = longest ?? Math.max(b.maxLockoutMs, first);
  if (maxLockoutMs < first) throw new Error(`${name}: the longest lockout is shorter than the first (got "${text}")`);
  return { ...b, failures: count, lockoutMs: first, maxLockoutMs } as R;
}

/** The limits the environment sets over the defaults (only the rules it names); main.ts calls it. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<ThrottleLimits> {
  const out: Partial<Record<keyof ThrottleLimits, WindowRule | LockoutRule>> = {};
  for (const [rule, name] of Object.entries(LIMIT_ENV) as Array<[keyof ThrottleLimits, string]>) {
    const value = env[name];
    if (value) out[rule] = parseRule(name, value, DEFAULT_LIMITS[rule]);
  }
  return out as Partial<ThrottleLimits>;
}

/** Every rule's count multiplied by `factor` (tests and benchmarks that log in and submit far more than people do). */
export function scaledLimits(factor: number, base: ThrottleLimits = DEFAULT_LIMITS): ThrottleLimits {
  const out = {} as Record<keyof ThrottleLimits, WindowRule | LockoutRule>;
  for (const [rule, r] of Object.entries(base) as Array<[keyof ThrottleLimits, WindowRule | LockoutRule]>) {
    out[rule] = 'failures' in r ? { ...r, failures: r.failures * factor } : { ...r, limit: r.limit * factor };
  }
  return out as ThrottleLimits;
}
