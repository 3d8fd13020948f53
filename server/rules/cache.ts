import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { effectiveRules, type EffectiveRules } from './effective.ts';

/** The stored overrides of every region, as plain data (a Map survives structured cloning to engine workers). */
export type RulesSnapshot = Map<string, unknown>;

/**
 * Every region's rule overrides in memory: a handful of small rows, read whole. Case steps,
 * FEEL functions (in engine workers, which cannot query) and the metrics read the rules from
 * here. It is reloaded with the SLA configuration (server/sla/config-cache.ts): at once on the
 * node that saved a change, on the others by the same NOTIFY, and — should a node miss that —
 * once its copy is older than the TTL the next time a reader asks (`stale`).
 */
export class RulesCache {
  private rows: RulesSnapshot = new Map();
  private readonly effective = new Map<string, EffectiveRules>();
  private loadedAt = Number.NEGATIVE_INFINITY;

  /** `clock` times the copy for the TTL (engine workers, which are sent copies, need none). */
  constructor(private readonly clock?: Clock) {}

  /** Reads every row (`knex` may be a transaction). */
  async reload(knex: Knex): Promise<void> {
    const rows = await knex('region_rules').select('region_id', 'rules');
    this.rows = new Map(rows.map((r: { region_id: string; rules: unknown }) => [r.region_id, r.rules]));
    this.effective.clear();
    this.loadedAt = this.clock?.now().getTime() ?? Number.NEGATIVE_INFINITY;
  }

  /** Whether the copy was read more than `ttlMs` ago. */
  stale(ttlMs: number): boolean {
    return !this.clock || this.clock.now().getTime() - this.loadedAt > ttlMs;
  }

  snapshot(): RulesSnapshot {
    return this.rows;
  }

  restore(rows: RulesSnapshot | undefined): void {
    this.rows = rows ?? new Map();
    this.effective.clear();
  }

  /** The region's effective rules (its overrides over `default`'s over the code's). */
  for(region: string | null | undefined): EffectiveRules {
    const id = region || 'default';
    let found = this.effective.get(id);
    if (!found) {
      found = effectiveRules(id, (r) => this.rows.get(r));
      this.effective.set(id, found);
    }
    return found;
  }
}
