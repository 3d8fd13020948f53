import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import { auditKeysOf, keyFingerprint } from './keys.ts';

const DAY_MS = 86_400_000;

export interface Anchor {
  region: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  heads: number;
  /** SHA-256 (hex) over the day's chain heads, one `caseId seq hash` line each, by case id. */
  digest: string;
  /** Ed25519 signature (base64) of `message`. */
  signature: string;
  keyFingerprint: string;
  createdAt: string;
  /** The exact bytes signed (UTF-8), for `openssl pkeyutl -verify -rawin`. */
  message: string;
}

/** What is signed: a fixed layout, so an auditor rebuilds it from the anchor's fields alone. */
export function anchorMessage(a: { region: string; day: string; heads: number; digest: string }): string {
  return `bangni-anchor/1\n${a.region}\n${a.day}\n${a.heads}\n${a.digest}\n`;
}

/**
 * The chain heads of a region's day: for each case that got events that UTC day,
 * its latest event of the day, in case-id order, hashed together.
 */
export async function dayDigest(knex: Knex, region: string, day: string): Promise<{ heads: number; digest: string }> {
  const from = new Date(`${day}T00:00:00.000Z`);
  const to = new Date(from.getTime() + DAY_MS);
  const rows: Array<{ case_id: string | number; seq: number; hash: string }> = (await knex.raw(
    'select distinct on (case_id) case_id, seq, hash from case_events where region_id = ? and at >= ? and at < ? order by case_id, seq desc',
    [region, from, to],
  )).rows;
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.case_id} ${r.seq} ${r.hash}\n`);
  return { heads: rows.length, digest: h.digest('hex') };
}

/** Signs and stores the anchor of one region's day; a day already anchored is kept as it is (several nodes, reruns). */
export async function anchorDay(knex: Knex, region: string, day: string, now: Date, key: KeyObject = auditKeysOf(knex).anchorKey): Promise<Anchor> {
  const { heads, digest } = await dayDigest(knex, region, day);
  const signature = sign(null, Buffer.from(anchorMessage({ region, day, heads, digest })), key).toString('base64');
  await knex('audit_anchors')
    .insert({ region_id: region, day, heads, digest, signature, key_fingerprint: keyFingerprint(key), created_at: now })
    .onConflict(['region_id', 'day']).ignore();
  return (await listAnchors(knex, { region, from: day, to: day }))[0];
}

/** The daily job: anchors yesterday (UTC) for every region. */
export async function anchorYesterday(knex: Knex, now: Date): Promise<number> {
  const day = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
  const regions: Array<{ id: string }> = await knex('regions').select('id').orderBy('id');
  for (const r of regions) await anchorDay(knex, r.id, day, now);
  return regions.length;
}

/** Stored anchors, oldest first; `regions` limits them to a user's regions. */
export async function listAnchors(knex: Knex, q: { region?: string; regions?: string[] | null; from?: string; to?: string }): Promise<Anchor[]> {
  const query = knex('audit_anchors')
    .select('region_id', knex.raw("to_char(day, 'YYYY-MM-DD') as day"), 'heads', 'digest', 'signature', 'key_fingerprint', 'created_at')
    .orderBy([{ column: 'day' }, { column: 'region_id' }])
    .limit(1000);
  if (q.region) query.where('region_id', q.region);
  if (q.regions) query.whereIn('region_id', q.regions);
  if (q.from) query.where('day', '>=', q.from);
  if (q.to) query.where('day', '<=', q.to);
  return (await query).map(toAnchor);
}

function toAnchor(r: Record<string, any>): Anchor {
  const a = { region: r.region_id, day: r.day, heads: Number(r.heads), digest: r.digest };
  return { ...a, signature: r.signature, keyFingerprint: r.key_fingerprint, createdAt: new Date(r.created_at).toISOString(), message: anchorMessage(a) };
}

/** True when the anchor's signature is good under `key` (the private key or its public half). */
export function anchorSignatureValid(a: Anchor, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(anchorMessage(a)), key, Buffer.from(a.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The latest anchor of a day the case got events on, checked: its signature
 * under this node's anchor key, and the day's heads as stored now against it.
 * A rewrite of any anchored day changes that day's digest.
 */
export async function checkAnchor(knex: Knex, caseId: number, region: string): Promise<{ day: string; matches: boolean } | undefined> {
  const row = await knex('audit_anchors')
    .where('region_id', region)
    .whereRaw("day in (select distinct (at at time zone 'UTC')::date from case_events where case_id = ?)", [caseId])
    .orderBy('day', 'desc')
    .select('region_id', knex.raw("to_char(day, 'YYYY-MM-DD') as day"), 'heads', 'digest', 'signature', 'key_fingerprint', 'created_at')
    .first();
  if (!row) return undefined;
  const anchor = toAnchor(row);
  const key = auditKeysOf(knex).anchorKey;
  const now = await dayDigest(knex, region, anchor.day);
  const matches = anchorSignatureValid(anchor, key) && now.digest === anchor.digest && now.heads === anchor.heads;
  return { day: anchor.day, matches };
}
