import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { createApp, type App } from '../../../server/app.ts';
import { ManualClock } from '../../../server/clock/index.ts';
import { openDb, type Db } from '../../../server/db/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

/** What a client sees while PostgreSQL is unreachable: 503 `database_unavailable` with Retry-After, never 500 `internal`. */
async function expectUnavailable(url: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(opts.body !== undefined && { 'content-type': 'application/json' }), ...(opts.token && { authorization: `Bearer ${opts.token}` }) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).to.equal(503);
  expect(Number(res.headers.get('retry-after')), `${method} ${path} Retry-After`).to.be.greaterThan(0);
  expect(text, path).to.include('database_unavailable');
  expect(text, path).not.to.match(/ECONNREFUSED|node_modules|\n\s+at /);
  return text;
}

describe('the database is down: 503 with Retry-After', function () {
  this.timeout(120_000);

  describe('a node whose PostgreSQL does not accept connections', () => {
    let db: Db;
    let app: App;
    let server: Server;
    let url: string;
    before(async () => {
      // Port 1 on the loopback: the connection is refused at once, on either test backend.
      db = await openDb({ url: 'postgres://postgres@127.0.0.1:1/bangni', poolMax: 2 });
      app = createApp({ db, clock: new ManualClock('2026-03-02T01:00:00Z'), node: 'down', log: () => undefined, processesDir: null });
      server = await new Promise((resolve) => {
        const s = app.express.listen(0, '127.0.0.1', () => resolve(s));
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await app?.stop();
      await db?.close();
    });

    it('answers API routes, logins, intake and token checks with 503', async () => {
      await expectUnavailable(url, 'GET', '/api/v1/regions');
      await expectUnavailable(url, 'POST', '/api/v1/auth/login', { body: { username: 'yuquan.dispatcher', password: 'demo' } });
      await expectUnavailable(url, 'POST', '/api/v1/cases', { body: { region: 'yuquan', category: 'road', title: '路灯不亮' } });
      await expectUnavailable(url, 'GET', '/api/v1/cases', { token: 'some-token' });
    });

    it('answers /healthz with 503 and a body that says the database is down', async () => {
      const body = JSON.parse(await expectUnavailable(url, 'GET', '/healthz'));
      expect(body).to.deep.include({ ok: false, db: 'pg' });
    });

    it('answers Open311 with 503 in the spec\'s error list', async () => {
      const text = await expectUnavailable(url, 'GET', '/open311/v2/services.json?jurisdiction_id=yuquan');
      expect(JSON.parse(text)).to.be.an('array').with.nested.property('[0].code', 'database_unavailable');
    });
  });

  describe('a running node whose connection pool is gone', () => {
    let t: TestApp;
    let token: string;
    before(async () => {
      t = await startTestApp({ processesDir: null });
      token = await t.token('yuquan.dispatcher');
      expect((await t.call('GET', '/healthz')).status).to.equal(200);
      // The pool closes under the running app, as when the database goes away for good.
      await t.db.knex.destroy();
    });
    after(async () => t?.close());

    it('answers 503 on API routes and /healthz, and 200 again once the pool is back', async () => {
      await expectUnavailable(t.url, 'GET', '/api/v1/regions');
      await expectUnavailable(t.url, 'GET', '/api/v1/tasks?region=yuquan', { token: `${token}x` });
      const health = JSON.parse(await expectUnavailable(t.url, 'GET', '/healthz'));
      expect(health.ok).to.equal(false);
      t.db.knex.initialize();
      const back = await t.call('GET', '/healthz');
      expect(back.status, back.text).to.equal(200);
      expect((await t.call('GET', '/api/v1/tasks?region=yuquan', { as: 'yuquan.dispatcher' })).status).to.equal(200);
    });
  });
});
