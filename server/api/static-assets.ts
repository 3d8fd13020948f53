import path from 'node:path';
import express, { type RequestHandler } from 'express';
import compression from 'compression';

/**
 * Brotli where the client accepts it, else gzip, for every answer over 1 kB of a compressible
 * type: the API's JSON and the browser app. On a 1.6 Mbps phone link the bpmn-js chunk is
 * 11.7 s plain and a quarter of that compressed (issue 14). Images, PDFs and fonts are left as
 * they are (compressible's list: they are compressed already). Server-sent events would be
 * held back by a compressor's buffer, so they are never compressed (none exist yet).
 */
export function compressAnswers(): RequestHandler {
  return compression({
    filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
  });
}

/** Cache headers of the hashed files Vite writes under assets/: their name changes with their content. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and the other fixed names: kept, but asked again each time, so a deploy shows at once. */
export const REVALIDATE = 'no-cache';

/**
 * The built browser app (`dist`, made by Vite) and its `public` files: hashed assets cached for
 * a year, everything else revalidated; client routes (/tasks, /cases/12 …) answered with
 * index.html for browser navigations (paths with a dot stay files).
 */
export function browserApp(dist: string, publicDir: string): RequestHandler[] {
  const assets = path.join(dist, 'assets') + path.sep;
  const setHeaders = (res: express.Response, file: string) => res.setHeader('Cache-Control', file.startsWith(assets) ? IMMUTABLE : REVALIDATE);
  const index = path.join(dist, 'index.html');
  const fallback: RequestHandler = (req, res, next) => {
    if (!/^\/(?!api\/|open311\/|healthz)[^.]*$/.test(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (req.accepts(['json', 'html']) !== 'html') return next();
    res.sendFile(index, { cacheControl: false, headers: { 'Cache-Control': REVALIDATE } }, (err) => err && next());
  };
  return [
    express.static(dist, { cacheControl: false, setHeaders }),
    express.static(publicDir, { cacheControl: false, setHeaders: (res) => res.setHeader('Cache-Control', REVALIDATE) }),
    fallback,
  ];
}
