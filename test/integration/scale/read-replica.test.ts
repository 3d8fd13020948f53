import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { createApp, type App } from '../../../server/app.ts';
import { ManualClock } from '../../../server/clock/index.ts';
import type { Db } from '../../../server/db/index.ts';
import { freshDb, onPostgres, sameDb } from '../../support/db.ts';

/**
 * DATABASE_READ_URL on the real server: the "replica" is a second pool on the
 * same PostgreSQL schema, and each pool counts the statements it ran, so the
 * test sees which database served each request.
 */
describe('scale-out: read-heavy endpoints read from the replica, a user\'s own writes from the primary', function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof freshDb>>;
  let replica: Db;
  let app: App;
  let server: Server;
  let url: string;
  const served = { primary: [] as string[], replica: [] as string[] };
  const tokens = new Map<string, string>();

  async function call(method: string, p: string, as?: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (as) {
      if (!tokens.has(as)) {
        const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: h, body: JSON.stringify({ username: as, password: 'demo' }) });
        tokens.set(as, ((await res.json()) as { token: string }).token);
      }
      h.authorization = `Bearer ${tokens.get(as)}`;
    }
    const res = await fetch(`${url}${p}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  }

  /** Which pools ran a statement on `table` during `fn`. */
  async function servedBy(table: string, fn: () => Promise<{ status: number; text: string }>): Promise<string[]> {
    served.primary.length = 0;
    served.replica.length = 0;
    const res = await fn();
    expect(res.status, res.text).to.equal(200);
    const on = (sqls: string[]) => sqls.some((s) => s.includes(`"${table}"`) && s.trimStart().startsWith('select'));
    return (['primary', 'replica'] as const).filter((k) => on(served[k]));
  }

  before(async function () {
    if (!onPostgres()) {
      console.log('scale/read-replica: needs PostgreSQL (DATABASE_URL) for a second pool; skipped on embedded PGlite');
      this.skip();
    }
    db = await freshDb();
    replica = await sameDb(db, 4);
    db.knex.on('query', (q: { sql: string }) => served.primary.push(q.sql));
    replica.knex.on('query', (q: { sql: string }) => served.replica.push(q.sql));
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    app = createApp({ db, readDb: replica, clock, demo: true, node: 'test', log: () => undefined });
    await app.start();
    server = await new Promise((resolve) => {
      const s = app.express.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    server?.closeAllConnections?.();
    await replica?.close();
    await db?.drop();
  });

  it('given a user who has not written, when they list tasks or cases, then the replica serves the list; the citizen\'s submission went to the primary', async () => {
    served.replica.length = 0;
    const res = await call('POST', '/api/v1/cases', undefined, { region: 'yuquan', category: 'road', title: '路灯不亮', description: '' });
    expect(res.status, res.text).to.equal(201);
    expect(served.replica.filter((s) => !s.trimStart().startsWith('select'))).to.deep.equal([]);
    expect(await servedBy('tasks', () => call('GET', '/api/v1/tasks?region=yuquan', 'yuquan.dispatcher'))).to.deep.equal(['replica']);
    expect(await servedBy('cases', () => call('GET', '/api/v1/cases?region=yuquan', 'yuquan.dispatcher'))).to.deep.equal(['replica']);
  });

  it('given a user who just completed a task, when they list their tasks, then the primary serves them (the completed task is not shown as open) while other users still read the replica', async () => {
    const submitted = await call('POST', '/api/v1/cases', undefined, { region: 'yuquan', category: 'road', title: '井盖缺失', description: '' });
    const list = await call('GET', `/api/v1/tasks?caseId=${submitted.body.id}`, 'yuquan.dispatcher');
    const task = list.body.items[0];
    const done = await call('POST', `/api/v1/tasks/${task.id}/complete`, 'yuquan.dispatcher', { variables: { department: 'community' } });
    expect(done.status, done.text).to.equal(200);
    let items: Array<{ id: number }> = [];
    const pools = await servedBy('tasks', async () => {
      const r = await call('GET', `/api/v1/tasks?caseId=${submitted.body.id}`, 'yuquan.dispatcher');
      items = r.body.items;
      return r;
    });
    expect(pools).to.deep.equal(['primary']);
    expect(items.map((t) => t.id)).not.to.include(task.id);
    expect(await servedBy('tasks', () => call('GET', '/api/v1/tasks?region=yuquan', 'yuquan.leader'))).to.deep.equal(['replica']);
  });

  it('given X-Bangni-Consistent: 1, then even a user who has not written reads from the primary', async () => {
    expect(await servedBy('tasks', () => call('GET', '/api/v1/tasks?region=yuquan', 'yuquan.handler', undefined, { 'x-bangni-consistent': '1' }))).to.deep.equal(['primary']);
  });

  it('given an auditor, when they read breaches, metrics and a definition\'s stats, then the replica serves the reports', async () => {
    expect(await servedBy('sla_breaches', () => call('GET', '/api/v1/sla/breaches?region=yuquan', 'yuquan.auditor'))).to.include('replica');
    expect(await servedBy('cases', () => call('GET', '/api/v1/metrics?region=yuquan&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z', 'yuquan.auditor'))).to.deep.equal(['replica']);
    const def = await db.knex('definitions').where({ region_id: 'default', key: 'citizen-request' }).first('id');
    expect(await servedBy('tasks', () => call('GET', `/api/v1/definitions/${def.id}/stats`, 'yuquan.auditor'))).to.deep.equal(['replica']);
  });
});
