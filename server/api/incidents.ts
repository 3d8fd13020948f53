import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { getIncident, incidentQuerySchema, listIncidents, resolveIncident, resolveIncidentSchema, retryIncident } from '../incidents/index.ts';
import { notFound } from '../errors/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';

const TAGS = ['incidents'];
const ERRORS = { 404: ['not_found'], 409: ['incident_not_open', 'case_not_in_incident'] };

/**
 * Incidents: engine steps that failed or ran out of budget (issue 10). Staff of
 * the region see them; designers and admins retry them after a fix; designers,
 * admins and dispatchers may instead close the case with a reason the citizen sees.
 */
export function incidentsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  const incidentInRegion = async (req: Parameters<typeof auth.user>[0]) => {
    const id = idParam(String(req.params.id));
    const incident = await getIncident(ctx.knex, id);
    if (!incident) throw notFound('Incident', id);
    auth.hideOtherRegion(req, incident.regionId, 'Incident', id);
    return incident;
  };

  api.get('/incidents', {
    summary: 'Incidents of my regions (default: open ones), newest first, paged with total',
    tags: TAGS, roles: ['admin', 'designer', 'dispatcher', 'leader', 'auditor'], query: incidentQuerySchema,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    const scope = auth.regions(req);
    res.json(await listIncidents(ctx.knex, scope === 'all' ? null : scope, query));
  });

  api.get('/incidents/:id', {
    summary: 'One incident', tags: TAGS, roles: ['admin', 'designer', 'dispatcher', 'leader', 'auditor'], errors: { 404: ['not_found'] },
  }, async (req, res) => {
    res.json(await incidentInRegion(req));
  });

  api.post('/incidents/:id/retry', {
    summary: 'Run the stopped step again under the same budgets (e.g. after deploying a fix); 409 step_failed if it fails again',
    tags: TAGS, roles: ['admin', 'designer'], errors: { ...ERRORS, 409: [...ERRORS[409], 'step_failed'] },
  }, async (req, res) => {
    const incident = await incidentInRegion(req);
    res.json(await retryIncident(ctx.runtime, incident.id, auth.actor(req)));
  });

  api.post('/incidents/:id/resolve', {
    summary: 'Give up on the process: close the case with a reason the citizen sees on the tracking page',
    tags: TAGS, roles: ['admin', 'designer', 'dispatcher'], body: resolveIncidentSchema, errors: ERRORS,
  }, async (req, res, { body }) => {
    const incident = await incidentInRegion(req);
    res.json(await resolveIncident(ctx.runtime, incident.id, auth.actor(req), body));
  });

  return r;
}
