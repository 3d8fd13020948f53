import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, fromDatabaseError } from '../errors/index.ts';
import { fromEdgeError } from './edge.ts';

/** Every error leaves as `{error:{code,message,details}}` with a stable code. */
export function errorMiddleware(log: (msg: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let e: AppError | null = err instanceof AppError ? err : null;
    if (!e && err instanceof ZodError) e = zodError(err);
    // Body parsers, URL decoding (charset, Content-Encoding, size, truncation): 4xx; see server/api/edge.ts.
    if (!e) e = fromEdgeError(err);
    if (!e) e = fromDatabaseError(err);
    if (e?.code === 'database_unavailable') log(`error: database unavailable: ${(err as Error)?.message ?? String(err)}`);
    else if (!e || e.status >= 500) {
      log(`error: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (!e) e = new AppError('internal', 'Something went wrong on our side; the action was not carried out.', { status: 500 });
    if (e.headers) res.set(e.headers);
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
