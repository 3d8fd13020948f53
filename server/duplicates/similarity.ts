import type { Knex } from 'knex';

/** How the text of two requests is compared: pg_trgm in the database, or character bigrams here. */
export type TextMethod = { kind: 'trgm'; schema: string } | { kind: 'bigram' };

const found = new WeakMap<Knex, Promise<TextMethod>>();

/**
 * pg_trgm where the migration could create it (migrations/20261203120000_pg_trgm.ts),
 * read once per database handle: its schema qualifies `similarity()`, since a
 * case schema's search_path need not include the schema the extension lives in.
 */
export function textMethod(knex: Knex): Promise<TextMethod> {
  let method = found.get(knex);
  if (!method) {
    method = knex
      .raw("select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'")
      .then((r: { rows: Array<{ schema: string }> }): TextMethod => (r.rows[0] ? { kind: 'trgm', schema: r.rows[0].schema } : { kind: 'bigram' }));
    // A failed look-up is asked again next time, not remembered.
    method.catch(() => found.delete(knex));
    found.set(knex, method);
  }
  return method;
}

/** Lower case, without spaces, punctuation and symbols: `路灯，不亮！` and `路灯不亮` are the same text. */
const normal = (text: string) => text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');

function bigrams(text: string): Set<string> {
  const chars = [...normal(text)];
  if (chars.length === 1) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/**
 * Dice coefficient of the two texts' character bigrams (0 … 1): the fallback
 * without pg_trgm. Chinese is written without spaces, so words cannot be split
 * on them; two-character pairs catch most shared words (路灯, 小区, 噪音).
 */
export function bigramSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return (2 * shared) / (x.size + y.size);
}
