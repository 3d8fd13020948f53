/**
 * Business errors: something the caller can fix. Each has a stable `code` that
 * clients may switch on, a sentence a person understands, and an HTTP status.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  /** Response headers the answer must carry (e.g. Retry-After on 503). */
  readonly headers: Record<string, string> | undefined;

  constructor(code: string, message: string, opts: { status?: number; details?: unknown; cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.details = opts.details;
    this.headers = opts.headers;
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
  // The edge refuses NUL bytes and lone surrogates first (server/api/edge.ts); this catches any path it missed.
  if (code === '22021' || code === '22P05') return badRequest('invalid_text', 'A value contains characters that are not text (e.g. a NUL byte).');
  if (code === '22003') return badRequest('invalid_value', 'A number is out of range.');
  if (code === '22001') return badRequest('invalid_value', 'A value is too long.');
  if (databaseUnavailable(err)) return unavailable(err);
  return null;
}

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_S = 5;

const unavailable = (cause: unknown) =>
  new AppError('database_unavailable', 'The database is not reachable right now; nothing was changed. Try again shortly.', {
    status: 503, cause, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_S) },
  });

// Network errors of the pg driver, and SQLSTATEs of a server that is shutting down, starting or full.
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const SQL_CODES = new Set(['57P01', '57P02', '57P03', '53300', '53000']);
const MESSAGES = [
  /^Connection terminated/i, // pg: the server went away mid-query
  /^Knex: Timeout acquiring a connection/i, // the pool could not connect (or is starved) within acquireConnectionTimeout
  /^Unable to acquire a connection/i, // knex after destroy()
  /connection (is )?(closed|ended)/i,
  /^PGlite is closed/i,
];

/** True for an error that says the database cannot be reached (not that a statement failed). Follows `cause` and AggregateError. */
export function databaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown; errors?: unknown[] };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NET_CODES.has(code) || SQL_CODES.has(code) || code.startsWith('08')) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message!))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => databaseUnavailable(x, depth + 1))) return true;
  return databaseUnavailable(e.cause, depth + 1);
}
