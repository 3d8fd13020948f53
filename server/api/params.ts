import { z } from 'zod';

/** A positive whole-number id from a path parameter; anything else is a 422 naming it. */
export function idParam(value: string | string[] | undefined): number {
  return z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).parse(value);
}
