import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { createApp, type App } from '../../../server/app.ts';
import { login, verifyPassword } from '../../../server/auth/index.ts';
import { MINUTE } from '../../../server/clock/index.ts';
import type { Db } from '../../../server/db/index.ts';
import { DEFAULT_LIMITS, type ThrottleLimits } from '../../../server/throttle/index.ts';
import { startTestApp, TEST_LIMITS, type TestApp } from '../../support/app.ts';
import { onPostgres, sameDb } from '../../support/db.ts';

/** The production login rules, with a per-address threshold small enough to reach in a test. */
const LIMITS: Partial<ThrottleLimits> = { ...TEST_LIMITS, loginUser: DEFAULT_LIMITS.loginUser, loginIp: { ...DEFAULT_LIMITS.loginIp, failures: 8 } };

let ipSeq = 0;
/** Every test logs in from addresses of its own (the app trusts X-Forwarded-For from loopback). */
const newIp = () => `198.51.100.${++ipSeq}`;

describe('login throttling: growing lockout per username and per address; unknown users cost the same', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ throttle: LIMITS, trustProxy: 'loopback' });
  });
  after(async () => t?.close());

  const tryLogin = (username: string, password: string, ip: string, url = t.url) =>
    fetch(`${url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username, password }),
    }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any }));

  async function failTimes(n: number, username: string, ip: string) {
    for (let i = 0; i < n; i++) {
      const r = await tryLogin(username, 'wrong password', ip);
      expect(r.status, JSON.stringify(r.body)).to.equal(401);
      expect(r.body.error.code).to.equal('login_failed');
    }
  }

  it('5 wrong passwords, then 429 with Retry-After; the right password is refused during the lockout and accepted once the clock passed it', async () => {
    const ip = newIp();
    await failTimes(5, 'yuquan.dispatcher', ip);
    const locked = await tryLogin('yuquan.dispatcher', 'wrong password', ip);
    expect(locked.status).to.equal(429);
    expect(locked.body.error.code).to.equal('rate_limited');
    expect(locked.retryAfter).to.equal('60');
    expect(locked.body.error.message).to.match(/try again in 1 minute/);
    // The right password, from another address too: the username is locked.
    const right = await tryLogin('yuquan.dispatcher', 'demo', newIp());
    expect(right.status).to.equal(429);
    t.clock.advance(30_000);
    expect((await tryLogin('yuquan.dispatcher', 'demo', ip)).retryAfter).to.equal('30');
    t.clock.advance(31_000);
    const after = await tryLogin('yuquan.dispatcher', 'demo', ip);
    expect(after.status, JSON.stringify(after.body)).to.equal(200);
    expect(after.body.token).to.be.a('string');
  });

  it('the lockout doubles with each failure after it (1, 2, 4 minutes); a success clears it', async () => {
    const ip = newIp();
    await failTimes(5, 'saihan.handler', ip);
    expect((await tryLogin('saihan.handler', 'x', ip)).retryAfter).to.equal('60');
    t.clock.advance(MINUTE + 1000);
    await failTimes(1, 'saihan.handler', ip);
    expect((await tryLogin('saihan.handler', 'demo', ip)).retryAfter).to.equal('120');
    t.clock.advance(2 * MINUTE + 1000);
    await failTimes(1, 'saihan.handler', ip);
    const third = await tryLogin('saihan.handler', 'demo', ip);
    expect(third.status).to.equal(429);
    expect(third.retryAfter).to.equal('240');
    t.clock.advance(4 * MINUTE + 1000);
    expect((await tryLogin('saihan.handler', 'demo', ip)).status).to.equal(200);
    // Cleared: four more failures lock nothing (from another address: this one has failures of its own now).
    const other = newIp();
    await failTimes(4, 'saihan.handler', other);
    expect((await tryLogin('saihan.handler', 'demo', other)).status).to.equal(200);
  });

  it('an unknown username locks exactly like a known one (no enumeration through the lockout)', async () => {
    const ip = newIp();
    await failTimes(5, 'nobody.here', ip);
    const r = await tryLogin('nobody.here', 'x', ip);
    expect(r.status).to.equal(429);
    expect(r.retryAfter).to.equal('60');
  });

  it('a burst of parallel guesses (from many addresses) gets no more password checks than the threshold', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => tryLogin('hongshan.leader', 'guess', newIp())));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401), statuses.join(',')).to.have.length(5);
    expect(statuses.filter((s) => s === 429)).to.have.length(7);
    expect((await tryLogin('hongshan.leader', 'demo', newIp())).status).to.equal(429);
  });

  it('per address: failures over many usernames lock the address, not other addresses', async () => {
    const ip = newIp();
    for (let i = 0; i < 8; i++) expect((await tryLogin(`spray${i}`, 'Password1', ip)).status).to.equal(401);
    const r = await tryLogin('dongsheng.dispatcher', 'demo', ip);
    expect(r.status).to.equal(429);
    expect(r.body.error.message).to.match(/from this address/);
    expect((await tryLogin('dongsheng.dispatcher', 'demo', newIp())).status).to.equal(200);
    // The refused attempt did not count against dongsheng.dispatcher's own failures.
    t.clock.advance(MINUTE + 1000);
    expect((await tryLogin('dongsheng.dispatcher', 'demo', ip)).status).to.equal(200);
  });

  it('an unknown username runs the same password check as a known one (against a dummy hash)', async () => {
    const checked: string[] = [];
    const verify = async (password: string, stored: string) => {
      checked.push(stored);
      return verifyPassword(password, stored);
    };
    const now = t.clock.now();
    await login(t.db.knex, now, 'no.such.user', 'demo', { verify }).catch((e) => expect(e.code).to.equal('login_failed'));
    await login(t.db.knex, now, 'saihan.dispatcher', 'wrong', { verify }).catch((e) => expect(e.code).to.equal('login_failed'));
    expect(checked).to.have.length(2);
    // Both are real scrypt hashes of the same cost: the same work either way.
    for (const h of checked) expect(h).to.match(/^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const real = await t.db.knex('users').where({ username: 'saihan.dispatcher' }).first('password_hash');
    expect(checked[1]).to.equal(real.password_hash);
    expect(checked[0]).to.not.equal(real.password_hash);
  });

  describe('on PostgreSQL, two nodes share the counters', () => {
    let dbB: Db;
    let appB: App;
    let serverB: Server;
    let urlB: string;
    before(async function () {
      if (!onPostgres()) {
        console.log('      throttle: two nodes share counters only through PostgreSQL (DATABASE_URL); skipped on embedded PGlite, where they live in memory');
        this.skip();
      }
      dbB = await sameDb(t.db);
      appB = createApp({ db: dbB, clock: t.clock, demo: true, node: 'B', log: () => undefined, throttle: LIMITS, trustProxy: 'loopback' });
      await appB.start();
      serverB = await new Promise((resolve) => {
        const s = appB.express.listen(0, '127.0.0.1', () => resolve(s));
      });
      urlB = `http://127.0.0.1:${(serverB.address() as AddressInfo).port}`;
    });
    after(async () => {
      if (serverB) await new Promise((resolve) => serverB.close(resolve));
      await appB?.stop();
      await dbB?.close();
    });

    it('3 failures on node A and 2 on node B lock the user on both', async () => {
      const ip = newIp();
      await failTimes(3, 'naiman.handler', ip);
      for (let i = 0; i < 2; i++) expect((await tryLogin('naiman.handler', 'wrong', ip, urlB)).status).to.equal(401);
      expect((await tryLogin('naiman.handler', 'demo', ip, urlB)).status).to.equal(429);
      expect((await tryLogin('naiman.handler', 'demo', ip)).status).to.equal(429);
      const rows = await t.db.knex('rate_limits').count<{ n: number }[]>('* as n');
      expect(Number(rows[0].n)).to.be.greaterThan(0);
      // Keys are keyed hashes: no username or address in the table.
      const keys = JSON.stringify(await t.db.knex('rate_limits').pluck('key'));
      expect(keys).to.not.include('naiman');
      expect(keys).to.not.include(ip);
    });
  });
});
