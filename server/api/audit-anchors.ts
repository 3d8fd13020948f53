import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { auditKeysOf, keyFingerprint, listAnchors, publicKeyPem } from '../audit/index.ts';
import { routes } from './openapi.ts';

const TAGS = ['audit'];
// A real calendar day: 2026-13-45 matches the pattern but PostgreSQL would refuse it (a 500, not a 422).
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().slice(0, 10) === s, 'not a calendar day');

export const anchorQuerySchema = z.object({
  region: z.string().max(40).optional(),
  from: DAY.optional().describe('first UTC day, YYYY-MM-DD'),
  to: DAY.optional().describe('last UTC day, YYYY-MM-DD'),
});

const anchorSchema = z.object({
  region: z.string(),
  day: z.string(),
  heads: z.number().int(),
  digest: z.string().describe('SHA-256 hex over the day\'s chain heads, one "caseId seq hash" line each, by case id'),
  signature: z.string().describe('Ed25519 signature (base64) of `message`'),
  keyFingerprint: z.string().describe('SHA-256 hex of the signing public key (SPKI DER)'),
  createdAt: z.string(),
  message: z.string().describe('the exact text signed'),
});

/**
 * Daily anchors for auditors to download and keep outside Bangni's database:
 * with them (and the public key) a rewrite of a past day shows even to someone
 * who holds the database and the audit key.
 */
export function auditAnchorsRouter(ctx: AppContext): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);

  api.get('/audit/anchors', {
    summary: 'Signed daily anchors of my regions (oldest first, at most 1000)',
    tags: TAGS, roles: ['auditor', 'admin'], query: anchorQuerySchema,
    responseSchema: z.object({ anchors: z.array(anchorSchema), publicKeyFingerprint: z.string() }),
  }, async (req, res, { query }) => {
    if (query.region) auth.checkRegion(req, query.region);
    const scope = auth.regions(req);
    const anchors = await listAnchors(ctx.knex, { ...query, regions: scope === 'all' ? null : scope });
    res.json({ anchors, publicKeyFingerprint: keyFingerprint(auditKeysOf(ctx.knex).anchorKey) });
  });

  api.get('/audit/anchors/public-key', {
    // One key signs every region's anchors: nothing regional to check.
    summary: 'The Ed25519 public key (PEM) that signs the anchors', tags: TAGS, roles: ['auditor', 'admin'], scope: 'none',
    produces: 'application/x-pem-file', response: 'PEM, SubjectPublicKeyInfo',
  }, async (_req, res) => {
    res.type('application/x-pem-file').send(publicKeyPem(auditKeysOf(ctx.knex).anchorKey));
  });

  return r;
}
