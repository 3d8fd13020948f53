/**
 * `npm start`'s prestart: runs `npm run build` only when the sources changed since the last
 * build (scripts/build-stamp.ts), and says which in one line. `--stamp` (the build's postbuild
 * step) records the sources a build just finished from, so `npm ci` leaves a stamp too.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { decideBuild, writeStamp } from './build-stamp.ts';

// Not server/app.ts's REPO_ROOT: importing the app would load express, knex and the rest for nothing.
const REPO_ROOT = path.resolve(import.meta.dirname, '..');

if (process.argv.includes('--stamp')) {
  writeStamp(REPO_ROOT);
} else {
  const decision = decideBuild(REPO_ROOT);
  console.log(decision.reason);
  if (decision.build) {
    const run = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
}
