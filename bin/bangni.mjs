#!/usr/bin/env node
// The admin CLI (README "Admin CLI"): `npx bangni <command>`. In a checkout it runs the TypeScript
// sources through tsx, as the tests do, so it is never older than the code beside it; an install
// that ships only the compiled build (dist/, `npm run build`) runs that.
import fs from 'node:fs';

const sources = new URL('../server/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/server/cli/main.js', import.meta.url);
if (fs.existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(compiled.href);
}
