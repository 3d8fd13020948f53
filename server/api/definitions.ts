import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { definitionStats, deployDefinition, definitionXml, getDefinition, listDefinitions, MAX_BPMN_BYTES, type DefinitionRow } from '../definitions/index.ts';
import { AppError } from '../errors/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';

const TAGS = ['definitions'];
const DAY_MS = 24 * 60 * 60 * 1000;
const READERS = ['designer', 'admin', 'auditor'] as const;

const deployBody = z.object({ region: z.string().min(1).max(40), xml: z.string() });
const listQuery = z.object({ region: z.string().max(40).optional() });
const statsQuery = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** `all`: every version of this definition's process key in its region, so a fresh version is not an empty map. */
  versions: z.enum(['this', 'all']).default('this'),
});

/**
 * Process definitions: designers deploy their region's BPMN; auditors read it;
 * case workers fetch the XML to draw a case's path. A definition of the
 * `default` region is shared by every region and readable by all of them.
 */
export function definitionsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);
  const readable = async (req: Parameters<typeof auth.user>[0]) => {
    const row = await getDefinition(ctx.knex, idParam(String(req.params.id)));
    auth.checkRegion(req, row.region_id, { allowDefault: true });
    return row;
  };

  api.get('/definitions', {
    summary: 'Deployed process definitions (versions per key) of a region', tags: TAGS, roles: [...READERS], query: listQuery,
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    const rows = await listDefinitions(ctx.knex, query.region ?? auth.homeRegion(req));
    res.json({ items: rows.map(definitionView) });
  });

  api.post('/definitions', {
    summary: 'Deploy a BPMN document as a new version', tags: TAGS, roles: ['designer', 'admin'], body: deployBody, status: 201,
    errors: { 403: ['forbidden'], 422: ['definition_invalid'] },
  }, async (req, res, { body }) => {
    auth.checkRegion(req, body.region);
    if (Buffer.byteLength(body.xml, 'utf8') > MAX_BPMN_BYTES) {
      throw new AppError('definition_invalid', 'The BPMN document is larger than 5 MB; nothing was deployed.', {
        status: 422, details: { problems: [{ elementId: null, rule: 'xml-too-large', message: 'Over 5 MB.' }] },
      });
    }
    const row = await deployDefinition(ctx.knex, ctx.clock, { regionId: body.region, xml: body.xml, deployedBy: auth.actor(req) });
    res.status(201).json(definitionView(row));
  });

  api.get('/definitions/:id', { summary: 'One definition version', tags: TAGS, roles: [...READERS], errors: { 404: ['not_found'] } }, async (req, res) => {
    res.json(definitionView(await readable(req)));
  });

  api.get('/definitions/:id/xml', {
    summary: 'The BPMN XML of a definition', tags: TAGS, roles: ['designer', 'admin', 'auditor', 'dispatcher', 'handler', 'leader'],
    produces: 'application/xml', errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const row = await readable(req);
    res.type('application/xml').send(await definitionXml(ctx.knex, row.id));
  });

  api.get('/definitions/:id/stats', {
    summary: 'Per-element counts, durations and breaches of a definition (heat map)', tags: TAGS, roles: ['designer', 'admin', 'auditor', 'leader'],
    query: statsQuery, errors: { 404: ['not_found'] },
  }, async (req, res, { query }) => {
    const def = await readable(req);
    const now = ctx.clock.now();
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
    const elements = await definitionStats(ctx.read.reader(req), now, { definition: def, allVersions: query.versions === 'all', regions: auth.regions(req), from, to });
    res.json({ definitionId: def.id, key: def.key, region: def.region_id, from, to, versions: query.versions, elements });
  });

  return r;
}

function definitionView(row: DefinitionRow) {
  return {
    id: row.id,
    region: row.region_id,
    key: row.key,
    version: row.version,
    name: row.name,
    sha256: row.sha256,
    deployedBy: row.deployed_by,
    deployedAt: row.deployed_at,
    origin: row.origin,
  };
}
