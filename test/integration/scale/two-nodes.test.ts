import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { createApp, REPO_ROOT, type App } from '../../../server/app.ts';
import { HOUR } from '../../../server/clock/index.ts';
import type { Db } from '../../../server/db/index.ts';
import { startTestApp, TEST_LIMITS, type TestApp } from '../../support/app.ts';
import { onPostgres, sameDb } from '../../support/db.ts';

const ONE_TASK = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes/one-task.bpmn'), 'utf8');
const ONE_TIMER = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes/timer.bpmn'), 'utf8');

/**
 * Two Bangni nodes on one PostgreSQL: node A is the test app; node B is a
 * second app on its own connection pool and port, same schema, same clock.
 */
describe('scale-out: two nodes on one PostgreSQL behave as one system', function () {
  this.timeout(120_000);
  let a: TestApp;
  let dbB: Db;
  let appB: App;
  let serverB: Server;
  let urlB: string;
  const tokens = new Map<string, string>();

  /** A call on either node, JSON in and out, logged in as a demo user. */
  async function call(node: 'A' | 'B', method: string, p: string, as?: string, body?: unknown) {
    if (node === 'A') return a.call(method, p, { as, body });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as) {
      if (!tokens.has(as)) {
        const res = await fetch(`${urlB}/api/v1/auth/login`, { method: 'POST', headers, body: JSON.stringify({ username: as, password: 'demo' }) });
        tokens.set(as, ((await res.json()) as { token: string }).token);
      }
      headers.authorization = `Bearer ${tokens.get(as)}`;
    }
    const res = await fetch(`${urlB}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  }

  const start = async (node: 'A' | 'B', processKey: string) => {
    const res = await call(node, 'POST', '/api/v1/cases', undefined, { region: 'yuquan', processKey, category: 'road', title: '路灯不亮', description: '' });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as number;
  };
  const openTasks = async (caseId: number) =>
    (await a.db.knex('tasks').where({ case_id: caseId, status: 'open' }).orderBy('id')) as Array<{ id: number; element_id: string }>;

  before(async function () {
    if (!onPostgres()) {
      console.log('scale-out: needs PostgreSQL (DATABASE_URL); skipped on embedded PGlite');
      this.skip();
    }
    a = await startTestApp();
    dbB = await sameDb(a.db);
    // The test app's high limits on B too: the nodes share the counters, and 200 anonymous submissions come from 127.0.0.1.
    appB = createApp({ db: dbB, clock: a.clock, demo: true, node: 'B', log: () => undefined, throttle: TEST_LIMITS });
    await appB.start();
    serverB = await new Promise((resolve) => {
      const s = appB.express.listen(0, '127.0.0.1', () => resolve(s));
    });
    urlB = `http://127.0.0.1:${(serverB.address() as AddressInfo).port}`;
    for (const xml of [ONE_TASK, ONE_TIMER]) {
      const res = await a.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml } });
      expect(res.status, res.text).to.equal(201);
    }
  });

  after(async () => {
    if (serverB) await new Promise((resolve) => serverB.close(resolve));
    serverB?.closeAllConnections?.();
    await appB?.stop();
    await dbB?.close();
    await a?.close();
  });

  it('given 20 open tasks, when both nodes complete each of them at the same moment, then every task is completed exactly once and the other node gets 409', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => start(i % 2 ? 'B' : 'A', 'bench-one-task')));
    const tasks = (await Promise.all(ids.map(openTasks))).map((t) => t[0]);
    const results = await Promise.all(
      tasks.map(async (t) => {
        const [x, y] = await Promise.all(
          (['A', 'B'] as const).map((n) => call(n, 'POST', `/api/v1/tasks/${t.id}/complete`, 'yuquan.dispatcher', { variables: { note: n } })),
        );
        return [x.status, y.status].sort();
      }),
    );
    for (const statuses of results) expect(statuses).to.deep.equal([200, 409]);
    const completed = await a.db.knex('case_events').whereIn('case_id', ids).where({ type: 'task.completed' }).count<{ n: number }[]>('* as n');
    expect(Number(completed[0].n)).to.equal(20);
    const closed = await a.db.knex('cases').whereIn('id', ids).where({ status: 'closed' }).count<{ n: number }[]>('* as n');
    expect(Number(closed[0].n)).to.equal(20);
  });

  it('given a case whose engine node A keeps live, when node B advances the case, then node A resumes from the database, not from its stale engine', async () => {
    const id = await start('A', 'citizen-request'); // A keeps the live engine at version 1
    const dispatch = (await openTasks(id))[0];
    let res = await call('B', 'POST', `/api/v1/tasks/${dispatch.id}/complete`, 'yuquan.dispatcher', { variables: { department: 'community' } });
    expect(res.status, res.text).to.equal(200);
    const verify = (await openTasks(id))[0];
    expect(verify.element_id).to.equal('verify');
    // On A: its cached engine (still waiting at dispatch) must not be used.
    res = await call('A', 'POST', `/api/v1/tasks/${verify.id}/complete`, 'yuquan.handler', { variables: { valid: true, finding: 'ok' } });
    expect(res.status, res.text).to.equal(200);
    expect((await openTasks(id)).map((t) => t.element_id)).to.deep.equal(['resolve']);
    const detail = await a.call('GET', `/api/v1/cases/${id}`, { as: 'admin' });
    expect(detail.body.variables).to.include({ department: 'community', valid: true });
    expect(detail.body.stateVersion).to.equal(3);
  });

  it('given 200 timers due, when both nodes fire due timers concurrently, then each fires exactly once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 200; i += 20) ids.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => start(j % 2 ? 'B' : 'A', 'bench-timer')))));
    a.clock.advance(HOUR + 1000);
    const [firedA, firedB] = await Promise.all([a.app.scheduler.runOnce(), appB.scheduler.runOnce()]);
    expect(firedA + firedB).to.equal(200);
    const firings = await a.db.knex('timer_firings').whereIn('case_id', ids).select('node');
    expect(firings).to.have.length(200);
    const events = await a.db.knex('case_events').whereIn('case_id', ids).where({ type: 'timer.fired' }).count<{ n: number }[]>('* as n');
    expect(Number(events[0].n)).to.equal(200);
    expect(await a.app.scheduler.runOnce()).to.equal(0);
    expect(await appB.scheduler.runOnce()).to.equal(0);
  });

  it('given a token node B has just believed, when node A deactivates its user, then node B refuses it at once (NOTIFY), without waiting for the cache to expire', async () => {
    const created = await call('A', 'POST', '/api/v1/users', 'admin', { username: 'yuquan.temp', password: 'temporary-pass-1', displayName: '临时', role: 'handler', region: 'yuquan', groups: [] });
    expect(created.status, created.text).to.equal(201);
    const login = await fetch(`${urlB}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'yuquan.temp', password: 'temporary-pass-1' }) });
    const { token } = (await login.json()) as { token: string };
    const me = () => fetch(`${urlB}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me()).to.equal(200); // now in B's cache; the shared clock never moves, so only a notification can end it
    const off = await call('A', 'PATCH', '/api/v1/users/yuquan.temp', 'admin', { active: false });
    expect(off.status, off.text).to.equal(200);
    // The notification travels through PostgreSQL: look again for up to 5 s (it takes milliseconds).
    let status = await me();
    for (let i = 0; i < 100 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await me();
    }
    expect(status).to.equal(401);
  });
});
