import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content Security Policy of every answer: the browser app (modeler/dist, built by Vite)
 * and the API page (/api/docs) run with it without a violation (test/e2e/csp.test.ts walks
 * every page). Each source is there for a named reason:
 * - `script-src 'self'`: Vite emits module scripts only, /api/docs loads /api/docs.js; never
 *   inline script, never eval. `script-src-attr 'none'`: no `onclick="…"` (the app binds with
 *   addEventListener).
 * - `style-src 'self' 'unsafe-inline'`: bpmn-js, diagram-js and the properties panel set
 *   `style` attributes and insert `<style>` elements (CodeMirror) at run time. Styles only.
 * - `img-src 'self' data: blob:`: data: for the favicon and the SVG icons in bpmn-js's CSS;
 *   blob: for staff-side photos (fetched with the token, shown from object URLs).
 * - `font-src 'self' data:`: the bpmn icon font is a file and, in one rule, a data: URL.
 * - `connect-src 'self'`: the app talks to its own API only.
 * - `object-src 'none'`, `base-uri 'none'`, `form-action 'self'`: nothing embedded, no `<base>`
 *   hijack, forms post to us only.
 * - `frame-ancestors 'none'` (and X-Frame-Options: DENY for old browsers): no clickjacking of
 *   the task list or the designer in someone else's frame.
 * No `upgrade-insecure-requests` (helmet's default): county offices often serve Bangni over
 * plain HTTP inside their network, where it would break every asset.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

/**
 * Security headers on every answer (helmet): the CSP above, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer` — the tracking page's URL carries the
 * tracking code (`?code=`), which must never leave in a Referer header — and helmet's other
 * defaults (HSTS over HTTPS, Cross-Origin-Opener/Resource-Policy same-origin, …).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES as unknown as Record<string, string[]> },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * `Cache-Control: no-store` for answers that may carry personal data (case details, contact,
 * tracking, photos, task lists — all of /api/v1, and Open311 requests): no browser, proxy or
 * shared office computer keeps a copy. Static assets (modeler/dist) keep their own caching.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/**
 * `Content-Disposition` for a stored file name in any script (RFC 6266): an ASCII `filename`
 * for old clients and `filename*=UTF-8''…` (RFC 5987/8187) with the real name, so 现场照片.png
 * arrives as 现场照片.png. RFC 5987's attr-char excludes `'()*`, which encodeURIComponent keeps.
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
