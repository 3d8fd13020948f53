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

/** The discovery document; `url` is this server's own address as the client reached it. */
export function discovery(req: Request, opts: DiscoveryOptions = {}) {
  const url = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
  return {
    changeset: CHANGESET,
    contact: opts.contact ?? '12345 政务服务便民热线 / 我帮你 service center (Bangni); see the project README, "Open311 (GeoReport v2)".',
    key_service: opts.keyService ?? 'api_key is accepted and not checked in this deployment; ask the service center before going live.',
    endpoints: [
      { specification: SPECIFICATION, url, changeset: CHANGESET, type: 'production' as const, formats: [FORMATS.xml.split(';')[0], FORMATS.json.split(';')[0]] },
    ],
  };
}
