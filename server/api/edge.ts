import type { RequestHandler } from 'express';
import { AppError } from '../errors/index.ts';

/**
 * The HTTP edge: whatever a client can send that is not text we can store, or
 * not a request body we can read, becomes a 4xx with a stable code here —
 * before it reaches a handler or PostgreSQL, which refuses a NUL byte in text
 * (22021) and in jsonb (22P05) and would otherwise answer 500.
 */

/** Deeper JSON than any route takes; PostgreSQL's jsonb parser stops at its stack depth (54001). */
export const MAX_BODY_DEPTH = 32;

const NUL = /\u0000/;
// A UTF-16 surrogate without its partner: not a character; pg would store U+FFFD, jsonb refuses its escape.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A key as it may be echoed in an error: short, and only text (a client's 70,000-character key is not sent back). */
const keyName = (k: string) => {
  const clean = k.replace(/[\u0000-\u001f\uD800-\uDFFF]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
};

const textRule = (s: string): 'nul' | 'lone_surrogate' | null => (NUL.test(s) ? 'nul' : LONE_SURROGATE.test(s) ? 'lone_surrogate' : null);

const invalidText = (field: string, rule: string) =>
  new AppError('invalid_text', `${field} contains characters that are not text (${rule === 'nul' ? 'a NUL byte' : 'a lone UTF-16 surrogate'}).`, {
    status: 400,
    details: { fields: [{ field, rule, message: rule === 'nul' ? 'NUL bytes (\\u0000) are not allowed' : 'lone surrogates are not allowed' }] },
  });

/**
 * Throws 400 `invalid_text` if any string (or object key) in `value` holds a NUL
 * byte or a lone surrogate, and 400 `body_too_deep` past MAX_BODY_DEPTH. `where`
 * names the part of the request (`body`, `query`, `path`). Iterative: a hostile
 * body nested thousands deep must not overflow our own stack.
 */
export function checkText(value: unknown, where: string): void {
  const stack: Array<[unknown, string, number]> = [[value, where, 0]];
  while (stack.length) {
    const [v, at, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const rule = textRule(v);
      if (rule) throw invalidText(at, rule);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      throw new AppError('body_too_deep', `The request nests deeper than ${MAX_BODY_DEPTH} levels (at ${at}).`, { status: 400 });
    }
    for (const [k, child] of Object.entries(v)) {
      const rule = textRule(k);
      if (rule) throw invalidText(`${at}.${keyName(k)}`, rule);
      // Paths stop growing past a few levels: they name the field, they need not spell out a deep body.
      stack.push([child, at.length > 200 ? at : `${at}.${keyName(k)}`, depth + 1]);
    }
  }
}

/** `decodeURIComponent`, or 400 `invalid_escape` naming the part of the URL. */
function decoded(s: string, where: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new AppError('invalid_escape', `The ${where} has a percent-escape that is not UTF-8 (e.g. %C0%AE).`, { status: 400 });
  }
}

/**
 * App-wide, after the JSON parser: the path (every segment, as route parameters
 * will be decoded), the query string and a JSON body. Multipart fields and
 * Open311 forms are parsed later, by their routes, and checked there.
 */
export const checkRequestText: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const segment of pathname.split('/')) checkText(decoded(segment, 'path'), 'path');
  if (q >= 0) {
    // Query values are form-encoded: `+` is a space, and each name and value must decode on its own.
    for (const pair of url.slice(q + 1).split('&')) for (const part of pair.split('=')) checkText(decoded(part.replace(/\+/g, ' '), 'query string'), 'query');
  }
  if (req.body !== undefined) checkText(req.body, 'body');
  next();
};

/** Errors of body-parser (http-errors `type`) as our codes; a stream/zlib failure of a lying Content-Encoding is 400. */
const BODY_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large.'],
  'entity.verify.failed': [400, 'malformed_body', 'The request body could not be read.'],
  'charset.unsupported': [415, 'unsupported_charset', 'The request body must be UTF-8 (Content-Type: application/json; charset=utf-8).'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'Content-Encoding must be identity, gzip, deflate or br.'],
  'request.aborted': [400, 'request_aborted', 'The request body ended before it was complete.'],
  'request.size.invalid': [400, 'body_incomplete', 'The request body does not match its Content-Length.'],
  'parameters.too.many': [413, 'payload_too_large', 'The request has too many form parameters.'],
};

/**
 * What a client did wrong below the routes — body parsers, URL decoding,
 * express's own http-errors — as an AppError, or null when it is not such an
 * error. Shared by the API's error middleware and Open311's.
 */
export function fromEdgeError(err: unknown): AppError | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean; message?: string };
  const known = e.type ? BODY_ERRORS[e.type] : undefined;
  if (known) return new AppError(known[1], known[2], { status: known[0], cause: err });
  const status = e.status ?? e.statusCode;
  if (err instanceof URIError) return new AppError('invalid_escape', 'The URL has a percent-escape that is not UTF-8.', { status: 400, cause: err });
  // http-errors a body parser or express raised for the client's input (a corrupt gzip body, a bad range …).
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request', status === 400 ? 'The request could not be read (a corrupt or truncated body?).' : 'The request was refused.', { status, cause: err });
  }
  return null;
}
