import { expect } from 'chai';
import { createApp, type App } from '../../../server/app.ts';
import { MINUTE, HOUR, DAY } from '../../../server/clock/index.ts';
import { startCase } from '../../../server/cases/index.ts';
import type { Db } from '../../../server/db/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { onPostgres, sameDb } from '../../support/db.ts';

const intake = { region: 'yuquan', processKey: 'citizen-request', category: 'road', urgency: 'normal', title: '路灯不亮', description: '', channel: 'web', confidential: false } as never;

/**
 * Three whole Bangni apps (nodes A, B, C: their own pools, one schema, one
 * clock) run their periodic jobs' ticks at the same moments, as node-cron does
 * on every node each minute: `job_ticks` lets exactly one node work each tick.
 */
describe('scale-out: periodic jobs run once per tick across three nodes', function () {
  this.timeout(180_000);
  let a: TestApp;
  const others: Array<{ db: Db; app: App }> = [];

  before(async function () {
    if (!onPostgres()) {
      console.log('scale/periodic-jobs: needs PostgreSQL (DATABASE_URL) for nodes with their own pools; skipped on embedded PGlite');
      this.skip();
    }
    a = await startTestApp();
    for (const node of ['B', 'C']) {
      const db = await sameDb(a.db, 4);
      const app = createApp({ db, clock: a.clock, demo: false, node, log: () => undefined, processesDir: null });
      await app.start();
      others.push({ db, app });
    }
  });

  after(async () => {
    for (const o of others) {
      await o.app.stop();
      await o.db.close();
    }
    await a?.close();
  });

  const tickAll = () => Promise.all([a.app.sla.jobs.tick(), ...others.map((o) => o.app.sla.jobs.tick())]);

  it('given three nodes ticking together for 30 minutes across midnight, then each minute\'s sweep and each day\'s calendar check ran on exactly one node', async () => {
    // 23:45 UTC: the daily tick (a UTC day) changes during the run.
    a.clock.set(new Date('2026-03-02T23:45:00Z'));
    const perMinute: number[] = [];
    for (let m = 0; m < 30; m += 1) {
      const results = await tickAll();
      perMinute.push(results.filter((r) => r.sweep).length);
      a.clock.advance(MINUTE);
    }
    expect(perMinute).to.deep.equal(Array(30).fill(1));
    const sweeps = await a.db.knex('job_ticks').where({ job: 'sla-sweep' }).select('tick', 'node');
    expect(sweeps).to.have.length(30);
    const checks = await a.db.knex('job_ticks').where({ job: 'calendar-check' }).select('tick');
    expect(checks.map((c) => new Date(c.tick).toISOString()).sort()).to.deep.equal(['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z']);
    console.log(`      sweeps by node: ${JSON.stringify(sweeps.reduce((n: Record<string, number>, r) => ({ ...n, [r.node]: (n[r.node] ?? 0) + 1 }), {}))}`);
  });

  it('given 60 cases whose dispatch passes its due time, when the three nodes keep ticking, then every breach and its timeline event is recorded once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 60; i += 20) ids.push(...(await Promise.all(Array.from({ length: 20 }, () => startCase(a.app.ctx.runtime, intake, 'citizen')))).map((c) => c.id));
    a.clock.advance(2 * DAY + HOUR);
    for (let m = 0; m < 3; m += 1) {
      await tickAll();
      a.clock.advance(MINUTE);
    }
    const breaches = await a.db.knex('sla_breaches').whereIn('case_id', ids).where({ kind: 'breach' }).select('clock_id');
    expect(breaches.length).to.be.greaterThan(59);
    expect(new Set(breaches.map((b) => b.clock_id)).size).to.equal(breaches.length);
    const events = await a.db.knex('case_events').whereIn('case_id', ids).where({ type: 'sla.breached' }).count<{ n: number }[]>('* as n');
    expect(Number(events[0].n)).to.equal(breaches.length);
  });
});
