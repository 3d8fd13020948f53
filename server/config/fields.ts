/**
 * The forms an environment variable may take, as zod schemas over the raw
 * string (or its absence). An empty value counts as unset: `FOO= npm start`
 * and a blank line in an env file mean "the default", never "zero" or "off".
 * Messages say the expected form and what was given; the variable's name is
 * added by `load.ts` from the issue's path, so every message names it.
 */
import { z } from 'zod';

/** A variable's raw text: trimmed, undefined when unset or blank. */
const raw = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
/** How the messages list a flag's accepted forms. */
export const FLAG_FORMS = '1/0, true/false, yes/no or on/off';

const got = (v: string) => `got "${v.length > 40 ? `${v.slice(0, 37)}...` : v}"`;

/**
 * A yes/no switch: 1/0, true/false, yes/no, on/off in any case. Anything else
 * is an error: `BANGNI_DEMO=false` once kept demo mode on because only `0`
 * turned it off, and a switch that silently reads a typo as its default is how
 * a production node ends up with demo passwords.
 */
export function flag(defaultValue: boolean) {
  return raw.transform((v, ctx) => {
    if (v === undefined) return defaultValue;
    const t = v.toLowerCase();
    if (TRUE.includes(t)) return true;
    if (FALSE.includes(t)) return false;
    ctx.addIssue({ code: 'custom', message: `must be ${FLAG_FORMS} (${got(v)})` });
    return z.NEVER;
  });
}

/** A whole number in [min, max]; `defaultValue` when unset (undefined: the component's own default applies). */
export function wholeNumber<D extends number | undefined>(min: number, max: number, defaultValue: D) {
  return raw.transform((v, ctx): number | D => {
    if (v === undefined) return defaultValue;
    const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max} (${got(v)})` });
      return z.NEVER;
    }
    return n;
  });
}

/** Free text, optionally matching `pattern` (described by `form`); undefined when unset. */
export function text(form?: { pattern: RegExp; describe: string }) {
  return raw.transform((v, ctx) => {
    if (v === undefined || !form || form.pattern.test(v)) return v;
    ctx.addIssue({ code: 'custom', message: `must be ${form.describe} (${got(v)})` });
    return z.NEVER;
  });
}

/** A PostgreSQL connection URL. Never echoed back in a message: it may hold a password. */
export function postgresUrl() {
  return raw.transform((v, ctx) => {
    if (v === undefined) return undefined;
    let ok = false;
    try {
      ok = ['postgres:', 'postgresql:'].includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok) {
      ctx.addIssue({ code: 'custom', message: 'must be a PostgreSQL URL, postgres://user:password@host:5432/database (the value is not shown: it may hold a password)' });
      return z.NEVER;
    }
    return v;
  });
}

/**
 * A value read by an existing parser that throws a message of its own (the
 * keys, the throttle rules): the message becomes the issue. Secrets are never
 * echoed: those parsers' messages name the form, not the value.
 */
export function parsedBy<T>(parse: (value: string) => T) {
  return raw.transform((v, ctx): T | undefined => {
    if (v === undefined) return undefined;
    try {
      return parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

/**
 * express's `trust proxy`: off by default; a flag; a number of hops; or
 * addresses, subnets and the names `loopback`, `linklocal`, `uniquelocal`
 * separated by commas.
 */
export function trustProxy() {
  const NAMED = ['loopback', 'linklocal', 'uniquelocal'];
  return raw.transform((v, ctx): boolean | number | string => {
    if (v === undefined) return false;
    const t = v.toLowerCase();
    // Digits first: `1` is one hop here, as in express, not "true".
    if (/^\d+$/.test(t)) return Number(t);
    if (TRUE.includes(t)) return true;
    if (FALSE.includes(t)) return false;
    const items = v.split(',').map((s) => s.trim());
    if (items.every((s) => NAMED.includes(s) || /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(s))) return items.join(',');
    ctx.addIssue({
      code: 'custom',
      message: `must be true/false, a number of proxy hops, or addresses, subnets, loopback, linklocal, uniquelocal separated by commas (${got(v)})`,
    });
    return z.NEVER;
  });
}
