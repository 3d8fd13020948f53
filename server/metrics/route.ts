import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/index.ts';
import { documentRoute } from '../api/openapi.ts';
import type { Metrics } from './metrics.ts';

/**
 * `GET /metrics`, the Prometheus exposition text. With a token configured
 * (BANGNI_METRICS_TOKEN) it takes `Authorization: Bearer <token>` from
 * anywhere; without one it answers only requests from this host's loopback
 * that no proxy forwarded, so a node reachable from outside never shows its
 * internals to strangers by default. Behind a reverse proxy on the same host,
 * set a token: the proxy's requests come from loopback too.
 */
export function metricsRoute(metrics: Metrics, opts: { token?: string }): RequestHandler {
  documentRoute({
    method: 'get', path: '/metrics', tags: ['ops'], roles: 'public', produces: 'text/plain',
    summary: 'Prometheus metrics of this node',
    description: 'Prometheus text format (0.0.4): HTTP latency per route, engine steps, timers, SLA sweeps, database pools, Node process. '
      + 'Needs `Authorization: Bearer <BANGNI_METRICS_TOKEN>` when that is set; otherwise answers only from loopback, unproxied.',
    headers: [{ name: 'Authorization', description: 'Bearer <BANGNI_METRICS_TOKEN>, when the node has one' }],
    errors: { 401: ['metrics_token_required'], 403: ['metrics_loopback_only'] },
  });
  const expected = opts.token ? digest(opts.token) : null;
  return async (req, res) => {
    if (expected) {
      const header = req.headers.authorization;
      const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
      // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
      if (!given || !timingSafeEqual(digest(given), expected)) {
        throw new AppError('metrics_token_required', 'Send Authorization: Bearer <the metrics token of this node>.', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' } });
      }
    } else if (!fromLoopback(req)) {
      throw new AppError('metrics_loopback_only', 'Metrics answer only on this host unless the node has a metrics token (BANGNI_METRICS_TOKEN).', { status: 403 });
    }
    const { contentType, text } = await metrics.scrape();
    res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(text);
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The socket's own address (never X-Forwarded-For), and no sign that a proxy passed the request on. */
function fromLoopback(req: Request): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || /^(::ffff:)?127\./.test(a);
}
