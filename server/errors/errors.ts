/**
 * Business errors: something the caller can fix. Each has a stable `code` that
 * clients may switch on, a sentence a person understands, and an HTTP status.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, opts: { status?: number; details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.details = opts.details;
  }
}

export const notFound = (what: string, id: unknown) =>
  new AppError('not_found', `${what} ${String(id)} was not found.`, { status: 404 });

export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError(code, message, { status: 409, details });

export const invalid = (code: string, message: string, details?: unknown) =>
  new AppError(code, message, { status: 422, details });

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(code, message, { status: 400, details });

/** Translates PostgreSQL error codes that reach the edge into business errors. */
export function fromDatabaseError(err: unknown): AppError | null {
  const code = (err as { code?: string })?.code;
  if (code === '23505') return conflict('duplicate', 'This already exists.', { constraint: (err as { constraint?: string }).constraint });
  if (code === '23503') return invalid('reference_missing', 'A referenced record does not exist.');
  if (code === '22P02' || code === '22007' || code === '22008') return badRequest('invalid_value', 'A value has the wrong format.');
  return null;
}
