export { listIncidents, getIncident, incidentQuerySchema, incidentView } from './list.ts';
export type { IncidentQuery } from './list.ts';
export { retryIncident } from './retry.ts';
export { resolveIncident, resolveIncidentSchema } from './resolve.ts';
