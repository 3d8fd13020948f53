import type { Knex } from 'knex';
import { recordChange } from '../admin-log/index.ts';
import { notFound } from '../errors/index.ts';
import { validOverrides } from './effective.ts';
import { RULE_NAMES, type Overrides, type RulesPatch } from './schema.ts';

/**
 * Applies a PUT: each named rule is set (a value) or goes back to inheriting (null); rules
 * not named stay as they are. One row per region holds only its overrides (none: no row).
 * The change log gets the overrides before and after, in the same transaction.
 */
export async function putOverrides(knex: Knex, region: string, patch: RulesPatch, actor: string, now: Date): Promise<Overrides> {
  return knex.transaction(async (trx) => {
    if (!(await trx('regions').where({ id: region }).first('id'))) throw notFound('Region', region);
    const row = await trx('region_rules').where({ region_id: region }).forUpdate().first('rules');
    const before = validOverrides(row?.rules);
    const after: Record<string, unknown> = { ...before };
    for (const k of RULE_NAMES) {
      if (patch[k] === null) delete after[k];
      else if (patch[k] !== undefined) after[k] = patch[k];
    }
    if (Object.keys(after).length === 0) await trx('region_rules').where({ region_id: region }).delete();
    else {
      await trx('region_rules')
        .insert({ region_id: region, rules: JSON.stringify(after), updated_at: now, updated_by: actor })
        .onConflict('region_id').merge();
    }
    await recordChange(trx, { at: now, actor, regionId: region, entity: 'rules', key: region, before, after });
    return after as Overrides;
  });
}
