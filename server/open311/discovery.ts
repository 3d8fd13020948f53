import type { Request } from 'express';
import { FORMATS } from './format.ts';

/**
 * Service discovery: where the GeoReport v2 endpoint is and what it speaks.
 * `changeset` moves when this adapter's behaviour changes (clients compare it
 * to decide whether to re-read the service list), so it is a constant here,
 * not the time of the request.
 */
export const CHANGESET = '2026-03-01T00:00:00+08:00';
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

export interface DiscoveryOptions {
  /** Who runs the service, for client developers. */
  contact?: string;
  /** How to get an api_key. */
  keyService?: string;
}

const HOW_TO_GET_A_KEY = 'An admin of the service center (12345 / 我帮你) issues an api_key per client (POST /api/v1/open311/keys); ask the service center for one.';

/** Where a key is required (the spec's key_service is free text, so it says so in a sentence). */
function whereRequired(requiredIn: string[]): string {
  return requiredIn.length
    ? `An api_key is required to POST requests in jurisdiction ${requiredIn.join(', ')}; elsewhere it is optional.`
    : 'No jurisdiction requires an api_key to POST requests at present; a client with a key gets its own request quota.';
}

/**
 * The discovery document; `url` is this server's own address as the client
 * reached it; `requiredIn` the jurisdictions whose POST requires an api_key.
 */
export function discovery(req: Request, opts: DiscoveryOptions = {}, requiredIn: string[] = []) {
  const url = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
  return {
    changeset: CHANGESET,
    contact: opts.contact ?? '12345 政务服务便民热线 / 我帮你 service center (Bangni); see the project README, "Open311 (GeoReport v2)".',
    key_service: `${opts.keyService ?? HOW_TO_GET_A_KEY} ${whereRequired(requiredIn)}`,
    endpoints: [
      { specification: SPECIFICATION, url, changeset: CHANGESET, type: 'production' as const, formats: [FORMATS.xml.split(';')[0], FORMATS.json.split(';')[0]] },
    ],
  };
}
