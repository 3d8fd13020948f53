import type { Knex } from 'knex';
import { AppError } from '../errors/index.ts';

/**
 * A jurisdiction is one of our regions (旗县区), named by its id
 * (`jurisdiction_id=yuquan`). `default` only holds the shared processes and
 * takes no requests. The spec makes the parameter required exactly when one
 * endpoint serves several jurisdictions: missing → 400, unknown → 404.
 */
export async function resolveJurisdiction(knex: Knex, param: unknown): Promise<string> {
  // An empty parameter is an absent one (the spec's rule for every optional argument).
  const given = typeof param === 'string' && param.trim() ? param.trim() : undefined;
  const ids: string[] = (await knex('regions').whereNot({ id: 'default' }).orderBy('id').select('id')).map((r: { id: string }) => r.id);
  if (!given) {
    if (ids.length === 1) return ids[0];
    throw new AppError('jurisdiction_id_missing', `jurisdiction_id is required: this endpoint serves ${ids.length} jurisdictions (${ids.join(', ')}).`, { status: 400 });
  }
  if (!ids.includes(given)) throw new AppError('jurisdiction_unknown', `Jurisdiction ${given} is not served here.`, { status: 404 });
  return given;
}
