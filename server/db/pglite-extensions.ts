import type { PGliteOptions } from '@electric-sql/pglite';

/**
 * The contrib extensions an embedded PGlite is built with, so that migrations
 * may `create extension` them as on a server: pg_trgm for duplicate suggestions
 * (migrations/20261203120000_pg_trgm.ts). PGlite unpacks an extension only when
 * it is created; listing it costs nothing at start.
 */
export async function pgliteExtensions(): Promise<NonNullable<PGliteOptions['extensions']>> {
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return { pg_trgm };
}
