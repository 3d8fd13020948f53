import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import type { DefinitionRow } from './deploy.ts';

/** Longest time a node serves a cached "latest version" without asking again. */
export const LATEST_TRUST_MS = 10_000;
export const DEPLOYED_CHANNEL = 'bangni_deployed';

/**
 * Bumped when any definition is deployed in this process (whatever the path:
 * API, process files, a test) or another node NOTIFYs a deploy: every
 * `LatestDefinitions` in the process then asks the database again.
 */
let generation = 0;
export function definitionsChanged(): void {
  generation += 1;
}

/**
 * Which definition a new case of (region, key) runs — asked on every intake,
 * answered from memory. A deploy on this node takes effect for the next case; a
 * deploy on another node arrives by NOTIFY, and LATEST_TRUST_MS bounds how long
 * a node that missed it goes on starting cases on the version before.
 */
export class LatestDefinitions {
  private readonly entries = new Map<string, { row: DefinitionRow; generation: number; until: number }>();

  constructor(private readonly clock: Clock) {}

  async get(knex: Knex, regionId: string, key: string, read: (knex: Knex, regionId: string, key: string) => Promise<DefinitionRow>): Promise<DefinitionRow> {
    const k = `${regionId}\u0000${key}`;
    const now = this.clock.now().getTime();
    const hit = this.entries.get(k);
    if (hit && hit.generation === generation && now < hit.until) return hit.row;
    const seen = generation;
    const row = await read(knex, regionId, key);
    if (this.entries.size >= 1000) this.entries.clear();
    this.entries.set(k, { row, generation: seen, until: now + LATEST_TRUST_MS });
    return row;
  }
}
