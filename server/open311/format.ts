import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ZodError, type z } from 'zod';
import { AppError, fromDatabaseError } from '../errors/index.ts';
import { fromEdgeError } from '../api/edge.ts';
import { xmlDocument, type XmlValue } from './xml.ts';

/**
 * Responses and errors as GeoReport v2 clients read them. The format is the
 * path's suffix (`/services.xml`, `/requests/YQ…json`); XML is what the spec
 * requires, JSON is what we also list in discovery. Errors leave as the spec's
 * list `[{code, description}]` (XML `<errors><error>…`), with our stable codes
 * in `code` — clients such as FixMyStreet show `description` and keep the HTTP
 * status: 404 for an unknown thing, 400 for everything else a client can fix.
 */
export type Format = 'json' | 'xml';

export interface Open311ErrorItem {
  code: string;
  description: string;
}

export const FORMATS: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The format from a route's `:format` parameter; anything else is a 404 (that resource does not exist). */
export function formatOf(req: Request): Format {
  const f = String(req.params.format ?? '');
  if (f === 'json' || f === 'xml') return f;
  throw new AppError('format_unsupported', `Format "${f}" is not served; use .xml or .json.`, { status: 404 });
}

/** The format an error answer uses: the requested one when the path says, else JSON. */
const errorFormatOf = (req: Request): Format => (/\.xml$/i.test(req.path) ? 'xml' : 'json');

/** Sends a body in the requested format; `root` names the XML root element. */
export function send(res: Response, format: Format, root: string, body: XmlValue, status = 200): void {
  res.status(status).type(FORMATS[format]);
  res.send(format === 'json' ? JSON.stringify(body) : xmlDocument(root, body));
}

/** The field a zod issue is about, as the client named it. */
const fieldOf = (issue: z.core.$ZodIssue) => String(issue.path[0] ?? 'request');

/**
 * One spec error per zod issue, with a code a client can switch on:
 * `<field>_missing`, `<field>_too_long`, `<field>_invalid`, or the code a
 * refinement names in its params (e.g. `location_missing`).
 */
export function zodErrors(err: ZodError): Open311ErrorItem[] {
  return err.issues.map((issue) => {
    const named = issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
    const field = fieldOf(issue);
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const tooLong = issue.code === 'too_big' && (issue as { origin?: string }).origin === 'string';
    const code = named ?? (missing ? `${field}_missing` : tooLong ? `${field}_too_long` : `${field}_invalid`);
    const description = missing ? `${field} is required.` : `${field}: ${issue.message}`;
    return { code, description };
  });
}

/** Errors from anywhere under /open311/v2 (body parsers included) in the spec's shape. */
export function open311ErrorHandler(log: (msg: string) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 400;
    let errors: Open311ErrorItem[];
    const type = (err as { type?: string }).type;
    if (err instanceof ZodError) {
      errors = zodErrors(err);
    } else if (type === 'entity.parse.failed') {
      errors = [{ code: 'malformed_body', description: 'The request body could not be read (malformed JSON or form data).' }];
    } else if (type === 'entity.too.large') {
      status = 413;
      errors = [{ code: 'payload_too_large', description: 'The request body is too large.' }];
    } else {
      // The same edge and database translations as /api (charset, Content-Encoding, bad escapes, NUL, database down).
      const e = err instanceof AppError ? err : (fromEdgeError(err) ?? fromDatabaseError(err));
      if (e?.code === 'database_unavailable') log(`error: database unavailable: ${(err as Error)?.message ?? String(err)}`);
      else if (!e || e.status >= 500) log(`error: ${(err as Error)?.stack ?? String(err)}`);
      if (e?.headers) res.set(e.headers);
      if (e && (e.status < 500 || e.code === 'database_unavailable')) {
        status = e.status;
        errors = Array.isArray(e.details) ? (e.details as Open311ErrorItem[]) : [{ code: e.code, description: e.message }];
      } else {
        status = 500;
        errors = [{ code: 'internal', description: 'Something went wrong on our side; the request was not carried out.' }];
      }
    }
    send(res, errorFormatOf(req), 'errors', errors as unknown as XmlValue, status);
  };
}

/** Any other path under /open311/v2: the spec's 404, not the app's. */
export const open311NotFound: RequestHandler = (req, res) => {
  send(res, errorFormatOf(req), 'errors', [{ code: 'route_not_found', description: `No such Open311 resource: ${req.method} ${req.path}` }], 404);
};
