/**
 * Open311 GeoReport v2 adapter (XML and JSON): discovery, services, and
 * requests created through the same intake as POST /api/v1/cases. Mounted by
 * server/app.ts at `/open311/v2`.
 */
export { open311Router } from './router.ts';
export type { DiscoveryOptions } from './discovery.ts';
export { escapeXml, xmlDocument } from './xml.ts';
export { serviceList } from './services.ts';
export { MAX_REQUESTS, MAX_SPAN_DAYS } from './query.ts';
export { issueKey, issueKeySchema, keyListSchema, keyRegion, listKeys, revokeKey, setRequireKey, settingsSchema, hashKey } from './keys.ts';
export type { KeyView } from './keys.ts';
