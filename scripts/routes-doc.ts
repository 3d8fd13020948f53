// Writes docs/ROUTES.md from the route table: `npm run docs:routes`.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createApp, REPO_ROOT } from '../server/app.ts';
import { documentedRoutes } from '../server/api/openapi.ts';
import { renderRouteTable } from '../server/api/route-table.ts';
import { openDb } from '../server/db/index.ts';
import { ManualClock } from '../server/clock/index.ts';

async function main() {
  // Routes register when the app is composed; nothing is started, so an empty in-memory database will do.
  const db = await openDb({ pglite: new PGlite(), schema: 'routes_doc' });
  createApp({ db, clock: new ManualClock('2026-01-01T00:00:00Z'), demo: true, node: 'routes-doc', log: () => undefined });
  mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'docs', 'ROUTES.md'), renderRouteTable(documentedRoutes()));
  await db.close();
  console.log('docs/ROUTES.md written');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
