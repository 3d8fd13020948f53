/**
 * A bounded cache of live engines, keyed by case id and valid for exactly one
 * `state_version`. The database stays the truth: an entry is put in only after
 * the transaction that saved that version committed, is taken out (never
 * shared) for the next step, and is used only when the locked row still has
 * that version — any write to a case's engine state by any node bumps the
 * version, so a stale engine is never resumed. A miss costs what no cache
 * costs: recover from the saved state.
 *
 * Memory bound: a waiting engine holds ~0.5–1.2 MB (bpmn-engine brokers per
 * element; reference/bpmn-engine.md §6), so the default of 64 is ≤ ~80 MB —
 * enough for the cases being worked on right now, never "all open cases".
 */
export class LiveEngineCache<T> {
  private readonly entries = new Map<number, { version: number; value: T }>();

  constructor(readonly max = 64) {}

  /** Takes the engine of this case out of the cache if it is at this version. */
  take(caseId: number, version: number): T | null {
    const hit = this.entries.get(caseId);
    if (!hit) return null;
    this.entries.delete(caseId);
    return hit.version === version ? hit.value : null;
  }

  /** Keeps an engine whose state was committed as `version` (least recently kept goes first). */
  put(caseId: number, version: number, value: T): void {
    if (this.max <= 0) return;
    this.entries.delete(caseId);
    this.entries.set(caseId, { version, value });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as number);
  }

  get size(): number {
    return this.entries.size;
  }
}
