import type { Knex } from 'knex';
import { z } from 'zod';
import { notFound } from '../errors/index.ts';
import { bigramSimilarity, type TextMethod } from './similarity.ts';

/**
 * What counts as "the same request" unless a query says otherwise. Named here
 * so that a region rule can later take their place; each has a query override.
 */
export const DUPLICATE_DEFAULTS = {
  /** Same category and at most this far apart (a street lamp, a blocked drain: one spot). */
  withinMeters: 200,
  /** Taken in at most this long before (or, for a stored case, after) the request. */
  windowHours: 48,
  /** Text this similar counts even without a location (pg_trgm's scale, 0 … 1). */
  minSimilarity: 0.25,
  limit: 10,
} as const;

/**
 * Cases scored per request: the open ones of one category, one region and a
 * couple of days are few; the bound keeps a flood (a burst pipe, 300 calls) cheap.
 */
const MAX_CANDIDATES = 500;

export const duplicateOptionsSchema = z.object({
  withinMeters: z.coerce.number().int().min(1).max(50_000).default(DUPLICATE_DEFAULTS.withinMeters).describe('distance in metres (default 200)'),
  windowHours: z.coerce.number().int().min(1).max(24 * 90).default(DUPLICATE_DEFAULTS.windowHours).describe('time window in hours (default 48)'),
  minSimilarity: z.coerce.number().min(0.05).max(1).default(DUPLICATE_DEFAULTS.minSimilarity).describe('text similarity that suggests a case without a location match (default 0.25)'),
  limit: z.coerce.number().int().min(1).max(50).default(DUPLICATE_DEFAULTS.limit),
});
export type DuplicateOptions = z.infer<typeof duplicateOptionsSchema>;

/** A request not yet submitted, as the intake form has it so far. */
export const draftDuplicatesSchema = duplicateOptionsSchema.extend({
  region: z.string().min(1).max(40),
  category: z.string().trim().min(1).max(40),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  text: z.string().max(5200).default('').describe('title and description as typed'),
});
export type DraftDuplicates = z.infer<typeof draftDuplicatesSchema>;

interface Probe {
  region: string;
  category: string;
  point: { lat: number; lng: number } | null;
  text: string;
  /** The window is around this instant. */
  at: Date;
  excludeId?: number;
}

export interface DuplicateSuggestion {
  id: number;
  caseNo: string;
  title: string;
  status: string;
  address: string | null;
  createdAt: Date;
  /** Metres between the two points; null when either has none. */
  distanceMeters: number | null;
  similarity: number;
  ageHours: number;
  /** Which rule suggested it. */
  near: boolean;
  similar: boolean;
}

const num = (path: string) => `case when jsonb_typeof(c.location->'${path}') = 'number' then (c.location->>'${path}')::float8 end`;

/** Great-circle metres (haversine) from the bound point to the case's point; null without one. */
const HAVERSINE = `2 * 6371000 * asin(least(1, sqrt(
  power(sin(radians((${num('lat')} - ?::float8) / 2)), 2)
  + cos(radians(?::float8)) * cos(radians(${num('lat')})) * power(sin(radians((${num('lng')} - ?::float8) / 2)), 2))))`;

/**
 * Open cases that look like the same request: same region and category, taken
 * in within the window, and either within the distance or with similar text.
 * SQL narrows to the window's open cases of that category and measures the
 * distance (and pg_trgm's similarity where installed); the rules and the order
 * — near ones first, nearest first, then the most similar — are applied here.
 */
export async function findDuplicates(knex: Knex, method: TextMethod, now: Date, probe: Probe, opts: DuplicateOptions): Promise<{ method: TextMethod['kind']; items: DuplicateSuggestion[] } & DuplicateOptions> {
  const windowMs = opts.windowHours * 3_600_000;
  const q = knex('cases as c')
    .where({ 'c.region_id': probe.region, 'c.category': probe.category, 'c.status': 'open' })
    .whereBetween('c.created_at', [new Date(probe.at.getTime() - windowMs), new Date(probe.at.getTime() + windowMs)])
    .select('c.id', 'c.case_no', 'c.title', 'c.description', 'c.status', 'c.created_at', knex.raw("c.location->>'address' as address"))
    .orderBy('c.created_at', 'desc')
    .limit(MAX_CANDIDATES);
  if (probe.excludeId) q.whereNot('c.id', probe.excludeId);
  const { point } = probe;
  q.select(point ? knex.raw(`${HAVERSINE} as distance`, [point.lat, point.lat, point.lng]) : knex.raw('null::float8 as distance'));
  const text = probe.text.trim();
  if (method.kind === 'trgm' && text) {
    const fn = `${JSON.stringify(method.schema)}.similarity`;
    q.select(knex.raw(`greatest(${fn}(c.title, ?), ${fn}(c.title || ' ' || coalesce(c.description, ''), ?)) as trgm`, [text, text]));
  }
  const rows: Array<Record<string, any>> = await q;
  const items = rows
    .map((r): DuplicateSuggestion => {
      const distance = r.distance === null || r.distance === undefined ? null : Number(r.distance);
      const similarity = !text ? 0 : r.trgm !== undefined ? Number(r.trgm) : Math.max(bigramSimilarity(r.title, text), bigramSimilarity(`${r.title} ${r.description ?? ''}`, text));
      return {
        id: Number(r.id),
        caseNo: r.case_no,
        title: r.title,
        status: r.status,
        address: r.address ?? null,
        createdAt: r.created_at,
        distanceMeters: distance === null ? null : Math.round(distance),
        similarity: Math.round(similarity * 100) / 100,
        ageHours: Math.round(((now.getTime() - new Date(r.created_at).getTime()) / 3_600_000) * 10) / 10,
        near: distance !== null && distance <= opts.withinMeters,
        similar: similarity >= opts.minSimilarity,
      };
    })
    .filter((s) => s.near || s.similar)
    .sort((a, b) => Number(b.near) - Number(a.near) || (a.near ? a.distanceMeters! - b.distanceMeters! : 0) || b.similarity - a.similarity || b.id - a.id)
    .slice(0, opts.limit);
  return { method: method.kind, ...opts, items };
}

/** Suggestions for a stored case: its own category, point and text, the window around its intake. */
export async function duplicatesOfCase(knex: Knex, method: TextMethod, now: Date, caseId: number, opts: DuplicateOptions) {
  const c = await knex('cases').where({ id: caseId }).first('id', 'region_id', 'category', 'location', 'title', 'description', 'created_at');
  if (!c) throw notFound('Case', caseId);
  const loc = c.location as { lat?: unknown; lng?: unknown } | null;
  const point = typeof loc?.lat === 'number' && typeof loc?.lng === 'number' ? { lat: loc.lat, lng: loc.lng } : null;
  return findDuplicates(knex, method, now, {
    region: c.region_id, category: c.category, point, text: `${c.title} ${c.description ?? ''}`, at: new Date(c.created_at), excludeId: caseId,
  }, opts);
}

/** Suggestions for a request still being typed at intake (at `now`). */
export function duplicatesOfDraft(knex: Knex, method: TextMethod, now: Date, draft: DraftDuplicates) {
  const { region, category, lat, lng, text, ...opts } = draft;
  const point = lat !== undefined && lng !== undefined ? { lat, lng } : null;
  return findDuplicates(knex, method, now, { region, category, point, text, at: now }, opts);
}
