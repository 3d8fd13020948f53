/**
 * Whether the built app (modeler/dist, by Vite) and server (dist/, by tsc) still match their
 * sources: `npm start` rebuilds only when they do not (issue 14: a restart took ~33 s, all of
 * it the build). The stamp holds a hash of the sources' contents, not their times, so a
 * checkout or a `touch` that changes nothing builds nothing, and an edit always rebuilds.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What `npm run build` reads: folders are walked, files read as they are. */
export const SOURCES = [
  'server',
  'migrations',
  'modeler/src',
  'modeler/public',
  'modeler/index.html',
  'modeler/vite.config.ts',
  'modeler/tsconfig.json',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** What the build writes and `npm start` needs: missing, the build runs whatever the stamp says. */
export const OUTPUTS = ['dist/server/main.js', 'modeler/dist/index.html'];

/** Beside the compiled server, so removing dist/ removes it too. */
export const STAMP = 'dist/.build-stamp';

function files(root: string, rel: string): string[] {
  const full = path.join(root, rel);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [rel];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => files(root, path.posix.join(rel, e.name)));
}

/** SHA-256 over every source file's path and contents, in a fixed order. */
export function sourceHash(root: string, sources: readonly string[] = SOURCES): string {
  const hash = crypto.createHash('sha256');
  for (const rel of sources.flatMap((s) => files(root, s)).sort()) {
    hash.update(`${rel}\0`);
    hash.update(fs.readFileSync(path.join(root, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export interface BuildDecision {
  build: boolean;
  /** One line for the console: why it builds, or that it does not. */
  reason: string;
}

/** Builds when an output is missing, no stamp was written, or the sources changed since. */
export function decideBuild(root: string, opts: { sources?: readonly string[]; outputs?: readonly string[] } = {}): BuildDecision {
  const missing = (opts.outputs ?? OUTPUTS).filter((o) => !fs.existsSync(path.join(root, o)));
  if (missing.length) return { build: true, reason: `building: ${missing.join(', ')} missing` };
  const stamp = path.join(root, STAMP);
  if (!fs.existsSync(stamp)) return { build: true, reason: `building: no ${STAMP} from an earlier build` };
  if (fs.readFileSync(stamp, 'utf8').trim() !== sourceHash(root, opts.sources)) return { build: true, reason: 'building: sources changed since the last build' };
  return { build: false, reason: 'build is up to date with the sources: not rebuilding' };
}

/** Records that the outputs now match these sources. */
export function writeStamp(root: string, sources: readonly string[] = SOURCES): void {
  fs.mkdirSync(path.dirname(path.join(root, STAMP)), { recursive: true });
  fs.writeFileSync(path.join(root, STAMP), `${sourceHash(root, sources)}\n`);
}
