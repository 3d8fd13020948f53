import express, { Router, type RequestHandler } from 'express';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../errors/index.ts';
import { checkText } from '../api/edge.ts';
import { createRequest } from './create.ts';
import { checkKey, regionsRequiringKey } from './keys.ts';
import { clientIp } from '../throttle/index.ts';
import { discovery, type DiscoveryOptions } from './discovery.ts';
import { formatOf, open311ErrorHandler, open311NotFound, send } from './format.ts';
import { resolveJurisdiction } from './jurisdiction.ts';
import { findRequest, findRequests } from './query.ts';
import { serviceList } from './services.ts';
import { readCatalogue } from '../catalogue/index.ts';
import { documentOpen311Routes } from './docs.ts';
import { findUpdates, postUpdate } from './updates.ts';
import type { XmlValue } from './xml.ts';

/**
 * The GeoReport v2 endpoint, mounted at `/open311/v2`. Public: Open311
 * clients (apps, FixMyStreet-style sites) need no login; every request answer
 * is scoped to the jurisdiction asked for and carries only public data.
 *
 * Returns the router followed by its error handler: mounted together, the
 * handler also catches what the app's body parsers throw for these paths
 * (malformed JSON), so Open311 clients always get the spec's error list.
 */
export function open311Router(ctx: AppContext, opts: DiscoveryOptions = {}): [Router, express.ErrorRequestHandler] {
  const r = Router();
  documentOpen311Routes('/open311/v2');
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  r.get('/discovery.:format', async (req, res) => {
    const format = formatOf(req);
    send(res, format, 'discovery', discovery(req, opts, await regionsRequiringKey(ctx.knex)));
  });

  r.get('/services.:format', async (req, res) => {
    const format = formatOf(req);
    const region = await resolveJurisdiction(ctx.knex, req.query.jurisdiction_id);
    send(res, format, 'services', serviceList(await readCatalogue(ctx.read.reader(req), region)));
  });

  // Our services have no attributes (metadata=false), so no client needs a definition; say so clearly.
  r.get('/services/:service_code.:format', (req) => {
    formatOf(req);
    throw new AppError('service_definition_none', `Service ${req.params.service_code} has no definition (metadata=false): post requests without attributes.`, { status: 404 });
  });

  /**
   * What every POST passes first; the region it posts to is returned.
   * A form body is parsed by the route, after the app's edge checks: NUL bytes are refused the same way.
   */
  const admit = async (req: express.Request): Promise<string> => {
    checkText(req.body, 'body');
    // The key is checked against the region posted to (403 where the region requires one and it is missing or
    // not valid; a revoked key is refused everywhere). A verified key has its own quota, shared by every address.
    // An unverified key (regions that do not require one) could be made up per request, so with it the address
    // is also held to the key's (larger) quota; without a key, the address has its own smaller quota.
    const apiKey = [req.body?.api_key, req.query.api_key].find((k): k is string => typeof k === 'string' && k.trim() !== '')?.trim();
    const region = await resolveJurisdiction(ctx.knex, req.body?.jurisdiction_id);
    const checked = await checkKey(ctx.knex, region, apiKey, ctx.clock.now());
    if (checked.verified) {
      await ctx.throttle.hit('open311Key', `verified ${checked.id}`);
    } else if (apiKey) {
      await ctx.throttle.hit('open311Key', `unverified ${apiKey}`);
      await ctx.throttle.hit('open311Key', `address ${clientIp(req)}`);
    } else {
      await ctx.throttle.hit('open311Ip', clientIp(req));
    }
    return region;
  };

  const create: RequestHandler = async (req, res) => {
    const format = formatOf(req);
    const key = req.get('idempotency-key')?.trim();
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw new AppError('idempotency_key_invalid', 'Idempotency-Key must be 1–200 characters.', { status: 400 });
    await admit(req);
    const created = await createRequest(ctx, req.body, key || undefined);
    send(res, format, 'service_requests', [created], 201);
  };
  r.post('/requests.:format', form, create);

  // The mySociety extension FixMyStreet polls for progress and posts its users' updates to (./updates.ts).
  r.get('/servicerequestupdates.:format', async (req, res) => {
    const format = formatOf(req);
    send(res, format, 'service_requests_updates', await findUpdates(ctx, ctx.read.reader(req), req.query) as unknown as XmlValue);
  });
  r.post('/servicerequestupdates.:format', form, async (req, res) => {
    const format = formatOf(req);
    const region = await admit(req);
    send(res, format, 'service_request_updates', [await postUpdate(ctx, region, req.body)], 201);
  });

  r.get('/requests.:format', async (req, res) => {
    const format = formatOf(req);
    send(res, format, 'service_requests', await findRequests(ctx, ctx.read.reader(req), req.query));
  });

  // The primary, not a replica: a client reads the request it has just posted.
  r.get('/requests/:service_request_id.:format', async (req, res) => {
    const format = formatOf(req);
    send(res, format, 'service_requests', await findRequest(ctx, ctx.knex, String(req.params.service_request_id), req.query));
  });

  r.use(open311NotFound);
  return [r, open311ErrorHandler(ctx.log)];
}
