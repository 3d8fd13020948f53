import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { routePattern, watchRoute } from '../api/route-pattern.ts';
import type { Logs } from './logger.ts';
import type { ScopeFields } from './scope.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const SCOPE = Symbol('bangni.logScope');

// An id a proxy or client sent is kept when it looks like one (UUIDs, trace ids); anything else could forge log lines.
const SANE_ID = /^[\w.:-]{1,64}$/;

/**
 * The request log (pino-http): one line per answered request with its id,
 * method, route pattern, status and time. Deliberately nothing else: no
 * headers (Authorization, cookies), no URL (ids, tracking codes, `?phone=`),
 * no body. The id is the client's `X-Request-Id` when sane, else a UUID, and
 * goes back in the `X-Request-Id` header; every line logged while the request
 * runs carries it (the LogScope), and the line at the end also the case,
 * task and region the request turned out to be about.
 */
export function requestLog(logs: Logs): RequestHandler {
  const http = pinoHttp({
    logger: logs.logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => message(req as Request, res),
    customErrorMessage: (req, res) => message(req as Request, res),
    customSuccessObject: (req, res, val: { responseTime: number }) => line(req as Request, res, val.responseTime),
    customErrorObject: (req, res, _err, val: { responseTime: number }) => line(req as Request, res, val.responseTime),
  });
  return (req, res, next) => {
    watchRoute(req);
    http(req, res, () => {
      const fields: ScopeFields = { reqId: String(req.id) };
      (req as Request & { [SCOPE]?: ScopeFields })[SCOPE] = fields;
      logs.scope.enter(fields, next);
    });
  };
}

const message = (req: Request, res: ServerResponse) => `${req.method} ${routePattern(req) ?? '(no route)'} ${res.statusCode}`;

function line(req: Request, res: ServerResponse, responseTime: number) {
  // reqId is bound on pino-http's child logger already; the rest of the scope was filled while the request ran.
  const { reqId: _bound, ...scope } = (req as Request & { [SCOPE]?: ScopeFields })[SCOPE] ?? {};
  return { ...scope, method: req.method, route: routePattern(req) ?? null, status: res.statusCode, responseTime };
}
