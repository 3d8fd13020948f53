import type { Clock } from '../clock/index.ts';
import type { WindowRule } from './limits.ts';
import type { CounterStore } from './store.ts';

/**
 * One request against a fixed-window rule: the window is numbered from the
 * injected clock (so all nodes, and a test that moves the clock, agree on it)
 * and is part of the key, so a new window starts from zero. Every request
 * counts, refused ones too: a client that keeps hammering stays refused until
 * the window ends. Returns the milliseconds until it ends when over the limit, else null.
 */
export async function hitWindow(store: CounterStore, clock: Clock, rule: WindowRule, key: string): Promise<number | null> {
  const now = clock.now().getTime();
  const window = Math.floor(now / rule.windowMs);
  // Twice the window: the store forgets by its own clock, which must not drop a window still counting.
  const count = await store.add(`${key}:${window}`, 1, rule.windowMs * 2);
  return count > rule.limit ? (window + 1) * rule.windowMs - now : null;
}
