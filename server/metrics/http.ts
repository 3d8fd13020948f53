import type { RequestHandler } from 'express';
import { routePattern, watchRoute } from '../api/route-pattern.ts';
import type { Metrics } from './metrics.ts';

/**
 * Times every answer into `bangni_http_request_duration_seconds`, labelled
 * with the route pattern (`/api/v1/cases/:id`), never the raw URL: ids and
 * tracking codes would make a series per case. Requests no route answered
 * (static files, 404s) share the label `(none)`.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    watchRoute(req);
    const started = process.hrtime.bigint();
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpAnswered(req.method, routePattern(req) ?? '(none)', res.statusCode, seconds);
    };
    // 'close' alone for a client that went away before the answer was written.
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
