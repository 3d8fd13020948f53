import type { Clock } from '../clock/index.ts';
import type { LockoutRule } from './limits.ts';
import type { CounterStore } from './store.ts';

/** An attempt let through: report how it ended. */
export interface Attempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  /** Takes the attempt back without counting it (another rule refused it). */
  undo(): Promise<void>;
}

/**
 * A lockout's state in one number, so one store row holds it: the end
 * (seconds since the epoch, by the injected clock) and the failure count that set it.
 */
const MAX_COUNT = 999;
const encode = (untilMs: number, failures: number) => Math.ceil(untilMs / 1000) * 1000 + Math.min(failures, MAX_COUNT);
const decode = (v: number | null) => (v === null ? null : { untilMs: Math.floor(v / 1000) * 1000, failures: v % 1000 });

/**
 * Growing lockout for one key (a username, an address). Failures are counted
 * per memory window of the injected clock; at `failures` the key is locked for
 * `lockoutMs`, and every further failure locks it again for twice as long, up
 * to `maxLockoutMs`. A success clears both. While locked, every attempt — the
 * right password too — is refused without being checked.
 *
 * The attempt is counted *before* the password is checked: a burst of
 * parallel guesses sent before the first lockout is written would otherwise all
 * be checked. Only the attempts that fit under the threshold (or, after a
 * lockout ended, the one next attempt) go through; the rest are refused and taken back.
 */
export class Lockout {
  constructor(private readonly store: CounterStore, private readonly clock: Clock, private readonly rule: LockoutRule) {}

  /** The attempt to report on, or how long the key stays refused. */
  async attempt(key: string): Promise<{ attempt: Attempt } | { retryAfterMs: number }> {
    const { store, rule } = this;
    const now = this.clock.now().getTime();
    const lockKey = `${key}:lock`;
    const lock = decode(await store.get(lockKey));
    if (lock && now < lock.untilMs) return { retryAfterMs: lock.untilMs - now };
    const failKey = `${key}:fail:${Math.floor(now / rule.memoryMs)}`;
    const ttl = rule.memoryMs * 2;
    const n = await store.add(failKey, 1, ttl);
    const undo = async () => void (await store.add(failKey, -1, ttl));
    if (n > Math.max(rule.failures, (lock?.failures ?? 0) + 1)) {
      await undo();
      return { retryAfterMs: 1000 };
    }
    return {
      attempt: {
        undo,
        succeeded: async () => {
          await store.delete(failKey);
          await store.delete(lockKey);
        },
        failed: async () => {
          if (n < rule.failures) return;
          const ms = Math.min(rule.lockoutMs * 2 ** Math.min(n - rule.failures, 40), rule.maxLockoutMs);
          const at = this.clock.now().getTime();
          await store.set(lockKey, encode(at + ms, n), rule.memoryMs + ms);
        },
      },
    };
  }
}
