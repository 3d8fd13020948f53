import type { DocumentedRoute } from './openapi.ts';

const SCOPE_NOTE: Record<DocumentedRoute['scope'], string> = {
  none: '—',
  self: 'own login',
  region: 'own region',
  case: 'own region; handlers: cases given to their units',
  task: 'own region; handlers: tasks offered to them or that they worked',
};

/**
 * docs/ROUTES.md: who may call what, rendered from the routes' own declarations
 * (roles and scope), so the documentation cannot say something the guard does
 * not do. The authorization-matrix test checks the file is current and that the
 * server answers as it says.
 */
export function renderRouteTable(routes: DocumentedRoute[]): string {
  const lines = [
    '# Routes and who may call them',
    '',
    'Generated from the route table (`npm run docs:routes`); do not edit by hand.',
    'Every route answers 401 without a login (unless public), 403 to a role it does not name,',
    'and 404 (by id) or 403 (by region name) for anything of another region; admin acts in every region.',
    '`test/integration/auth/authorization-matrix.test.ts` tries every row as every role, in its own and another region.',
    '',
    '| method | path | roles | scope | summary |',
    '|---|---|---|---|---|',
  ];
  for (const r of routes) {
    const roles = r.roles === 'public' ? 'public' : r.roles.join(', ');
    const scope = r.roles === 'public' && r.scope === 'region' ? 'own region, when logged in' : SCOPE_NOTE[r.scope];
    lines.push(`| ${r.method.toUpperCase()} | \`${r.path}\` | ${roles} | ${scope} | ${r.summary.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
