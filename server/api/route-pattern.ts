import type { Request } from 'express';

const PATTERN = Symbol('bangni.routePattern');

type Watched = Request & { [PATTERN]?: string };

/**
 * Remembers the full express route pattern (`/api/v1/cases/:id`) of a request
 * the moment the router matches it. Read at the end of the request, `req.route`
 * alone is not enough: when a handler's error leaves its router, express
 * restores `req.baseUrl` and the mount path is lost. Installed by the first
 * middleware that needs it (the request log, the HTTP metrics); a second call
 * does nothing.
 */
export function watchRoute(req: Request): void {
  if (Object.prototype.hasOwnProperty.call(req, PATTERN)) return;
  const r = req as Watched;
  r[PATTERN] = undefined;
  let route: unknown = (req as { route?: unknown }).route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      // A regular-expression route (the browser app's fallback) is named by its source: still one label.
      if (value && value.path !== undefined) r[PATTERN] = (req.baseUrl ?? '') + (typeof value.path === 'string' ? value.path : String(value.path));
    },
  });
}

/**
 * The route pattern that answered, never the raw URL (which carries ids,
 * tracking codes and query strings): a bounded set for metric labels and
 * nothing personal in log lines. Undefined when no route matched (static
 * files, 404s).
 */
export function routePattern(req: Request): string | undefined {
  return (req as Watched)[PATTERN];
}
