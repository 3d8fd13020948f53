import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { deployDefinition, definitionXml, getDefinition, listDefinitions, MAX_BPMN_BYTES } from '../definitions/index.ts';

const deployBody = z.object({ region: z.string().min(1).max(40), xml: z.string() });

export function definitionsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;

  r.get('/definitions', auth.require('designer', 'admin', 'auditor'), async (req, res) => {
    const region = typeof req.query.region === 'string' ? req.query.region : undefined;
    if (region) auth.checkRegion(req, region);
    const rows = await listDefinitions(ctx.knex, region ?? auth.homeRegion(req));
    res.json({ items: rows.map(definitionView) });
  });

  r.post('/definitions', auth.require('designer', 'admin'), async (req, res) => {
    const body = deployBody.parse(req.body);
    auth.checkRegion(req, body.region);
    if (Buffer.byteLength(body.xml, 'utf8') > MAX_BPMN_BYTES) {
      res.status(422).json({ error: { code: 'definition_invalid', message: 'The BPMN document is larger than 5 MB; nothing was deployed.', details: { problems: [{ elementId: null, rule: 'xml-too-large', message: 'Over 5 MB.' }] } } });
      return;
    }
    const row = await deployDefinition(ctx.knex, ctx.clock, { regionId: body.region, xml: body.xml, deployedBy: auth.actor(req) });
    res.status(201).json(definitionView(row));
  });

  r.get('/definitions/:id', auth.require('designer', 'admin', 'auditor'), async (req, res) => {
    const row = await getDefinition(ctx.knex, idParam(req.params.id));
    auth.checkRegion(req, row.region_id, { allowDefault: true });
    res.json(definitionView(row));
  });

  r.get('/definitions/:id/xml', auth.require('designer', 'admin', 'auditor', 'dispatcher', 'handler', 'leader'), async (req, res) => {
    const id = idParam(req.params.id);
    const row = await getDefinition(ctx.knex, id);
    auth.checkRegion(req, row.region_id, { allowDefault: true });
    res.type('application/xml').send(await definitionXml(ctx.knex, id));
  });

  return r;
}

export function idParam(value: string | string[] | undefined): number {
  return z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).parse(value);
}

function definitionView(row: { id: number; region_id: string; key: string; version: number; name: string | null; sha256: string; deployed_by: string; deployed_at: Date; origin: string }) {
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
