import { documentRoute } from '../api/openapi.ts';

const TAGS = ['open311'];
const FORMAT_NOTE =
  '`{format}` is `json` or `xml` (the spec requires XML). Errors are the spec\'s list `[{code, description}]` ' +
  '(XML `<errors><error>…`) with a stable code in `code`, not the `/api` error object.';

/**
 * The GeoReport v2 routes in /api/openapi.json, so client authors find them
 * beside the rest of the API (the route coverage test walks every express route).
 */
export function documentOpen311Routes(mount: string): void {
  const doc = (method: 'get' | 'post', path: string, summary: string, extra: { status?: number; errors?: Record<number, string[]>; description?: string } = {}) =>
    documentRoute({
      method, path: `${mount}${path}`, summary, tags: TAGS, roles: 'public', produces: 'text/xml',
      description: [extra.description, FORMAT_NOTE].filter(Boolean).join(' '), status: extra.status, errors: extra.errors,
    });
  const jurisdiction = { 400: ['jurisdiction_id_missing'], 404: ['jurisdiction_unknown', 'format_unsupported'] };
  doc('get', '/discovery.:format', 'Open311 service discovery: endpoint, formats, contact, changeset', { errors: { 404: ['format_unsupported'] } });
  doc('get', '/services.:format', 'Open311 services: the jurisdiction\'s request catalogue (service_code = node code, group = top-level name)', {
    description: 'Query `jurisdiction_id` = a region id (e.g. `yuquan`), required as this endpoint serves several regions.', errors: jurisdiction,
  });
  doc('get', '/services/:service_code.:format', 'Open311 service definition: none of our services has attributes (always 404)', { errors: { 404: ['service_definition_none', 'format_unsupported'] } });
  doc('post', '/requests.:format', 'Open311: submit a request (form-encoded or JSON); creates a case on channel open311', {
    status: 201,
    description:
      'Fields: jurisdiction_id, service_code, lat+long or address_string/address_id, description (≤4000), media_url (stored as a link, never fetched), ' +
      'phone, first_name, last_name, email (sealed at rest), attribute[code] (kept on the case for staff; device_id and account_id are not kept), api_key (required where the jurisdiction turns keys on; see key_service in discovery). ' +
      'Answers `[{service_request_id, service_notice, account_id}]`; the notice carries the tracking code for the citizen.',
    errors: { 400: ['jurisdiction_id_missing', 'service_code_missing', 'location_missing', 'location_incomplete', 'description_too_long', 'phone_invalid', 'email_invalid', 'media_url_invalid', 'malformed_body'], 404: ['jurisdiction_unknown', 'service_code_unknown', 'format_unsupported'], 422: ['region_unknown', 'idempotency_key_reused'], 403: ['api_key_required', 'api_key_invalid', 'api_key_revoked'], 429: ['rate_limited'] },
  });
  doc('get', '/requests.:format', 'Open311: public requests of a jurisdiction (default last 90 days, at most 1000)', {
    description: 'Query: jurisdiction_id, service_request_id (comma list; overrides the other filters), service_code (comma list), start_date, end_date (w3c, ≤90 days apart), status (open,closed). No personal data.',
    errors: { 400: ['jurisdiction_id_missing', 'date_range_too_long', 'date_range_invalid', 'start_date_invalid', 'status_invalid', 'service_code_invalid'], 404: ['jurisdiction_unknown', 'format_unsupported'] },
  });
  doc('get', '/servicerequestupdates.:format', 'Open311 (mySociety extension): updates of the jurisdiction\'s public requests, for FixMyStreet\'s polling', {
    description: 'Query: jurisdiction_id, start_date, end_date (w3c; default the last day, ≤90 days apart). Answers `[{update_id, service_request_id, status, updated_datetime, description, media_url, external_status_code}]` ' +
      '(XML `<service_requests_updates><request_update>…`), oldest first, at most 1000; `status` as FixMyStreet maps it (README "Open311"). Confidential cases and citizens\' own notes are left out.',
    errors: { 400: ['jurisdiction_id_missing', 'date_range_too_long', 'date_range_invalid', 'start_date_invalid', 'end_date_invalid'], 404: ['jurisdiction_unknown', 'format_unsupported'] },
  });
  doc('post', '/servicerequestupdates.:format', 'Open311 (mySociety extension): a citizen\'s update on a request, added to its timeline as a public note', {
    status: 201,
    description: 'Fields: jurisdiction_id, api_key, service_request_id, description (≤4000), update_id (the client\'s: a retried post answers with the first update\'s id), email, first_name, last_name (sealed), media_url (a link), ' +
      'updated_datetime and status (read, not applied: a citizen does not move a case). Answers `[{update_id}]` (XML `<service_request_updates><request_update>…`).',
    errors: { 400: ['jurisdiction_id_missing', 'service_request_id_missing', 'description_missing', 'description_too_long', 'email_invalid', 'media_url_invalid', 'malformed_body'], 404: ['jurisdiction_unknown', 'request_not_found', 'format_unsupported'], 403: ['api_key_required', 'api_key_invalid', 'api_key_revoked'], 429: ['rate_limited'] },
  });
  doc('get', '/requests/:service_request_id.:format', 'Open311: one public request by case number (a list of one)', {
    description: 'Query `jurisdiction_id`; a case of another jurisdiction is 404 like an unknown one.',
    errors: { 400: ['jurisdiction_id_missing'], 404: ['request_not_found', 'jurisdiction_unknown', 'format_unsupported'] },
  });
}
