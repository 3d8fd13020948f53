import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError, notFound } from '../errors/index.ts';

/**
 * Open311 API keys (issue 11): issued per client by an admin, for one region.
 * A key is 32 random bytes (base64url, prefixed `o311_`), shown once at
 * creation; only its SHA-256 is stored — a keyed hash adds nothing for a key
 * this random, and the plain hash lets any node verify it. A region that sets
 * `requireKey` refuses POST requests without a valid key of its own (403);
 * elsewhere a key is optional, and a valid one gets its own throttling quota.
 */
export const KEY_PREFIX = 'o311_';

export const issueKeySchema = z.object({
  region: z.string().trim().min(1).max(40),
  client: z.string().trim().min(1).max(100).describe('Who the key is for (an app, a FixMyStreet site)'),
  contact: z.string().trim().max(200).optional().describe('How to reach the client\'s developers'),
});
export const keyListSchema = z.object({ region: z.string().trim().min(1).max(40).optional() });
export const settingsSchema = z.object({ requireKey: z.boolean() });

export const hashKey = (key: string) => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

async function regionExists(knex: Knex, region: string): Promise<void> {
  if (region === 'default' || !(await knex('regions').where({ id: region }).first('id'))) throw notFound('Region', region);
}

/** Issues a key: the answer is the only place the key itself ever appears. */
export async function issueKey(knex: Knex, input: z.output<typeof issueKeySchema>, actor: string, now: Date): Promise<{ id: number; key: string; region: string; client: string }> {
  await regionExists(knex, input.region);
  const key = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  const [row] = await knex('open311_keys')
    .insert({ region_id: input.region, client: input.client, contact: input.contact || null, key_hash: hashKey(key), key_hint: key.slice(0, KEY_PREFIX.length + 4), created_at: now, created_by: actor })
    .returning('id');
  return { id: Number(row.id ?? row), key, region: input.region, client: input.client };
}

export interface KeyView {
  id: number;
  region: string;
  client: string;
  contact: string | null;
  hint: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** Keys (no key material: a hint only), newest first; `regions` null for every region. */
export async function listKeys(knex: Knex, regions: string[] | null): Promise<KeyView[]> {
  const q = knex('open311_keys').orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (regions) q.whereIn('region_id', regions);
  const rows = await q.select('id', 'region_id', 'client', 'contact', 'key_hint', 'created_at', 'created_by', 'last_used_at', 'revoked_at', 'revoked_by');
  return rows.map((r) => ({
    id: Number(r.id), region: r.region_id, client: r.client, contact: r.contact, hint: `${r.key_hint}…`,
    createdAt: new Date(r.created_at), createdBy: r.created_by,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null, revokedAt: r.revoked_at ? new Date(r.revoked_at) : null, revokedBy: r.revoked_by,
  }));
}

export async function keyRegion(knex: Knex, id: number): Promise<string | undefined> {
  return (await knex('open311_keys').where({ id }).first('region_id'))?.region_id;
}

/** Revokes a key for good (idempotent: revoking twice keeps the first time). */
export async function revokeKey(knex: Knex, id: number, actor: string, now: Date): Promise<void> {
  await knex('open311_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: now, revoked_by: actor });
}

export async function setRequireKey(knex: Knex, region: string, requireKey: boolean, actor: string, now: Date): Promise<{ region: string; requireKey: boolean }> {
  await regionExists(knex, region);
  await knex('open311_settings').insert({ region_id: region, require_key: requireKey, updated_at: now, updated_by: actor }).onConflict('region_id').merge();
  return { region, requireKey };
}

/** Regions whose Open311 POST needs a key (for discovery). */
export async function regionsRequiringKey(knex: Knex): Promise<string[]> {
  return (await knex('open311_settings').where({ require_key: true }).orderBy('region_id').select('region_id')).map((r: { region_id: string }) => r.region_id);
}

/** What a POST's api_key is: verified (its id), or not given / not ours. */
export type KeyCheck = { verified: true; id: number } | { verified: false };

/**
 * Checks a POST's api_key for the region it posts to. Where the region
 * requires keys: missing → 403 `api_key_required`; unknown or another
 * region's → 403 `api_key_invalid`. A revoked key → 403 `api_key_revoked` in
 * any region. Where keys are not required, a valid key is verified and any
 * other is an unverified key (FixMyStreet-style clients send their own). A used key's `last_used_at` moves.
 */
export async function checkKey(knex: Knex, region: string, apiKey: string | undefined, now: Date): Promise<KeyCheck> {
  const required = Boolean((await knex('open311_settings').where({ region_id: region }).first('require_key'))?.require_key);
  if (!apiKey) {
    if (required) throw forbidden('api_key_required', `Jurisdiction ${region} requires an api_key to post requests; see key_service in discovery.`);
    return { verified: false };
  }
  const row = await knex('open311_keys').where({ key_hash: hashKey(apiKey) }).first('id', 'region_id', 'revoked_at');
  // A revoked key is refused everywhere: the client has been told to stop using it.
  if (row && row.region_id === region && row.revoked_at) throw forbidden('api_key_revoked', 'This api_key has been revoked; ask the service center for a new one.');
  if (!row || row.region_id !== region) {
    if (required) throw forbidden('api_key_invalid', `This api_key is not valid for jurisdiction ${region}.`);
    return { verified: false };
  }
  await knex('open311_keys').where({ id: row.id }).update({ last_used_at: now });
  return { verified: true, id: Number(row.id) };
}

const forbidden = (code: string, message: string) => new AppError(code, message, { status: 403 });
