import { z } from 'zod';

/**
 * Form fields as GeoReport v2 sends them: every value a string (form
 * encoding), or a JSON value from clients that post JSON. The spec says an
 * empty parameter behaves exactly like an absent one, so blanks become
 * undefined before any rule runs; numbers from JSON bodies become text.
 */
const blankToUndefined = (v: unknown) => {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
  if (typeof v !== 'string') return v;
  const trimmed = v.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** An optional text parameter of at most `max` characters. */
export const text = (max: number) => z.preprocess(blankToUndefined, z.string().max(max).optional());

/** A required text parameter. */
export const requiredText = (max: number) => z.preprocess(blankToUndefined, z.string().max(max));

/** An optional decimal parameter within [min, max] (coordinates). */
export const decimal = (min: number, max: number) =>
  z.preprocess(blankToUndefined, z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'a decimal number').transform(Number).pipe(z.number().min(min).max(max)).optional());

/** A comma list (`status=open,closed`): trimmed, blanks dropped; undefined when empty. */
export const commaList = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((v) => {
    const s = blankToUndefined(v);
    if (typeof s !== 'string') return s;
    const items = s.split(',').map((x) => x.trim()).filter(Boolean);
    return items.length ? items : undefined;
  }, z.array(item).max(1000).optional());

const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A w3c datetime with its zone (`2026-03-02T09:00:00+08:00`), or a bare date
 * read as midnight China time: our jurisdictions all keep Beijing time.
 */
export const w3cDatetime = () =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(W3C_DATETIME, 'a w3c datetime with a zone, e.g. 2026-03-02T09:00:00+08:00')
      .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s))
      .refine((d) => !Number.isNaN(d.getTime()), 'a real date')
      .optional(),
  );

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** A datetime as the spec wants it: w3c, with its zone (Beijing time, `+08:00`). */
export function toW3c(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  const t = new Date(d).getTime();
  return `${new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
