import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Knex } from 'knex';

/**
 * Counters shared by the nodes: rate-limiter-flexible's atomic upsert on the
 * `rate_limits` table (PostgreSQL) or its in-process Map (embedded PGlite).
 *
 * The library decides expiry by `Date.now()`; Bangni's time is the injected
 * clock. So the store is used only as a counter with a time-to-live for
 * forgetting: every decision that depends on time (which window a request
 * falls in, when a lockout ends) is made in server/throttle from `clock.now()`
 * and written into the key or the value. Tests then move the clock instead of sleeping.
 */
export interface CounterStore {
  /** Adds `n` to the key's value (0 when absent or forgotten) and returns the new value; the key is forgotten `ttlMs` after it was made. */
  add(key: string, n: number, ttlMs: number): Promise<number>;
  get(key: string): Promise<number | null>;
  /** Overwrites the value; forgotten `ttlMs` from now. */
  set(key: string, value: number, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes rows forgotten before `before` (PostgreSQL; the memory store forgets by itself). */
  purge(before: Date): Promise<number>;
}

export const RATE_LIMIT_TABLE = 'rate_limits';

// The memory store arms a setTimeout per key, which fires at once past 2^31 ms (24.8 days): stay below.
const seconds = (ms: number) => Math.min(20 * 86_400, Math.max(1, Math.ceil(ms / 1000)));

/**
 * PostgreSQL when `kind` is 'pg' (one table for all nodes, made by migration
 * 20261201130000_rate_limits, hence `tableCreated`); memory on PGlite, whose one
 * connection every request would otherwise queue on for a counter no other node reads.
 */
export function createCounterStore(db: { kind: 'pg' | 'pglite'; knex: Knex; schema: string }): CounterStore {
  // The library's own limit is never used (Bangni compares the counts itself): as high as it goes.
  const common = { points: Number.MAX_SAFE_INTEGER, duration: 0, keyPrefix: '' };
  const limiter: RateLimiterAbstract = db.kind === 'pg'
    ? new RateLimiterPostgres({
      ...common,
      storeClient: db.knex,
      storeType: 'knex',
      tableName: RATE_LIMIT_TABLE,
      schemaName: db.schema,
      tableCreated: true,
      // No timer of its own that nobody stops: the daily purge job deletes old rows.
      clearExpiredByTimeout: false,
    } as ConstructorParameters<typeof RateLimiterPostgres>[0])
    : new RateLimiterMemory(common);
  const value = (res: RateLimiterRes | null) => (res ? Number(res.consumedPoints) : null);
  return {
    async add(key, n, ttlMs) {
      return value(await limiter.penalty(key, n, { customDuration: seconds(ttlMs) }))!;
    },
    async get(key) {
      return value(await limiter.get(key));
    },
    async set(key, v, ttlMs) {
      await limiter.set(key, v, seconds(ttlMs));
    },
    async delete(key) {
      await limiter.delete(key);
    },
    async purge(before) {
      if (db.kind !== 'pg') return 0;
      return db.knex(RATE_LIMIT_TABLE).where('expire', '<', before.getTime()).delete();
    },
  };
}
