import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, fromDatabaseError } from '../errors/index.ts';

/** Every error leaves as `{error:{code,message,details}}` with a stable code. */
export function errorMiddleware(log: (msg: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let e: AppError | null = err instanceof AppError ? err : null;
    if (!e && err instanceof ZodError) e = zodError(err);
    if (!e && (err as { type?: string }).type === 'entity.too.large') e = new AppError('payload_too_large', 'The request body is too large.', { status: 413 });
    if (!e && (err as { type?: string }).type === 'entity.parse.failed') e = new AppError('malformed_json', 'The request body is not valid JSON.', { status: 400 });
    if (!e) e = fromDatabaseError(err);
    if (!e || e.status >= 500) {
      log(`error: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (!e) e = new AppError('internal', 'Something went wrong on our side; the action was not carried out.', { status: 500 });
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...(e.details !== undefined && { details: e.details }) } });
  };
}

export function zodError(err: ZodError): AppError {
  return new AppError('validation_failed', 'The request has invalid or missing fields.', {
    status: 422,
    details: { fields: err.issues.map((i) => ({ field: i.path.join('.'), rule: i.code, message: i.message })) },
  });
}

export const notFoundRoute: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'route_not_found', message: `No such endpoint: ${req.method} ${req.path}` } });
};
