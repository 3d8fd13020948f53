import { z } from 'zod';
import { documentRoute, type DocumentedRoute } from './openapi.ts';

/**
 * Routes served by routers that do not declare themselves through `routes()`
 * yet (definitions, health). Their owners may move them to `routes()`; the
 * coverage test keeps this list honest either way.
 */
export function documentOtherRoutes(): void {
  const designerRoles = ['designer', 'admin', 'auditor'] as const;
  documentRoute({ method: 'get', path: '/healthz', summary: 'Liveness: the database answers', tags: ['health'], roles: 'public' });
  documentRoute({
    method: 'get', path: '/api/v1/definitions', summary: 'Deployed process definitions (versions per key) of a region', tags: ['definitions'],
    roles: [...designerRoles], query: z.object({ region: z.string().max(40).optional() }),
  });
  documentRoute({
    method: 'post', path: '/api/v1/definitions', summary: 'Deploy a BPMN document as a new version', tags: ['definitions'], roles: ['designer', 'admin'],
    body: z.object({ region: z.string().min(1).max(40), xml: z.string() }), status: 201,
    errors: { 422: ['definition_invalid'] },
  });
  documentRoute({ method: 'get', path: '/api/v1/definitions/:id', summary: 'One definition version', tags: ['definitions'], roles: [...designerRoles], errors: { 404: ['not_found'] } });
  documentRoute({
    method: 'get', path: '/api/v1/definitions/:id/xml', summary: 'The BPMN XML of a definition', tags: ['definitions'],
    roles: ['designer', 'admin', 'auditor', 'dispatcher', 'handler', 'leader'], produces: 'application/xml', errors: { 404: ['not_found'] },
  });
  documentRoute({
    method: 'get', path: '/api/v1/definitions/:id/stats', summary: 'Per-element counts, durations and breaches of a definition (heat map)', tags: ['definitions'],
    roles: ['designer', 'admin', 'auditor', 'leader'], errors: { 404: ['not_found'] },
    query: z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional(), versions: z.enum(['this', 'all']).default('this') }),
  });

  // SLA, metrics, audit, calendar (issue 4): summaries and roles only until their routers declare
  // themselves through routes(), which adds the zod request schemas.
  const sla: Array<[DocumentedRoute['method'], string, string, DocumentedRoute['roles']]> = [
    ['get', '/api/v1/sla/breaches', 'SLA breaches (JSON, or format=csv for Excel/WPS)', ['auditor', 'admin']],
    ['get', '/api/v1/sla/breaches/weekly', 'SLA breaches (or warnings) per week of their due time, same filters, every record counted', ['auditor', 'admin']],
    ['get', '/api/v1/sla/alerts', 'SLA alerts (e.g. provisional due times without a loaded calendar)', ['auditor', 'admin']],
    ['get', '/api/v1/sla/limits/:region', 'Response and resolution limits of a region (category × urgency)', ['auditor', 'admin', 'designer']],
    ['put', '/api/v1/sla/limits/:region', 'Set the limits of a region', ['admin']],
    ['get', '/api/v1/metrics', '三率 (响应率, 解决率, 满意率), 按期办结率, volumes', ['auditor', 'admin']],
    ['get', '/api/v1/audit/cases/:id/verify', 'Check a case\'s hash-chained event log', ['auditor', 'admin']],
    ['get', '/api/v1/calendar/:region/:year', 'Working calendar of a region and year', ['dispatcher', 'handler', 'leader', 'admin', 'designer', 'auditor']],
    ['put', '/api/v1/calendar/:region/hours', 'Office hours of a region', ['admin']],
    ['put', '/api/v1/calendar/:region/:year', 'Load a year\'s holiday arrangement for a region', ['admin']],
  ];
  for (const [method, path, summary, roles] of sla) documentRoute({ method, path, summary, roles, tags: ['sla'] });
}
