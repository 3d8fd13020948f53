import { expect } from 'chai';
import { ManualClock } from '../../../server/clock/index.ts';
import { TOKEN_TRUST_MS, TokenCache } from '../../../server/auth/token-cache.ts';
import type { User } from '../../../server/auth/roles.ts';

const user = (id: number): User => ({ id, username: `u${id}`, displayName: 'U', role: 'handler', regionId: 'yuquan', groups: ['city-management'] });

describe('auth/token-cache: who a token is, remembered for seconds at most', () => {
  it('believes a token until TOKEN_TRUST_MS has passed on the injected clock, then asks again', () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const cache = new TokenCache(clock);
    cache.put('h1', user(1), new Date('2026-03-02T13:00:00Z'));
    expect(cache.get('h1')?.id).to.equal(1);
    clock.advance(TOKEN_TRUST_MS - 1);
    expect(cache.get('h1')?.id).to.equal(1);
    clock.advance(1);
    expect(cache.get('h1')).to.equal(null);
  });

  it('never past the token\'s own expiry', () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const cache = new TokenCache(clock);
    cache.put('h1', user(1), new Date(clock.now().getTime() + 1000));
    clock.advance(1000);
    expect(cache.get('h1')).to.equal(null);
  });

  it('forgets a token, a user\'s tokens, or what another node names (token:/user:)', () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const cache = new TokenCache(clock);
    const later = new Date('2026-03-02T13:00:00Z');
    for (const [h, id] of [['a', 1], ['b', 1], ['c', 2], ['d', 3]] as const) cache.put(h, user(id), later);
    cache.forgetToken('a');
    expect(cache.get('a')).to.equal(null);
    cache.apply('user:1');
    expect(cache.get('b')).to.equal(null);
    expect(cache.get('c')?.id).to.equal(2);
    cache.apply('token:c');
    expect(cache.get('c')).to.equal(null);
    expect(cache.get('d')?.id).to.equal(3);
  });

  it('is bounded, and hands out users no request can change for the others', () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const cache = new TokenCache(clock, 2);
    const later = new Date('2026-03-02T13:00:00Z');
    cache.put('a', user(1), later);
    cache.put('b', user(2), later);
    cache.put('c', user(3), later);
    expect(cache.get('a')).to.equal(null);
    const u = cache.get('c')!;
    expect(() => ((u as { role: string }).role = 'admin')).to.throw(TypeError);
    expect(() => u.groups.push('x')).to.throw(TypeError);
  });
});
