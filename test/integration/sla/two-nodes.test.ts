import { expect } from 'chai';
import { MINUTE, HOUR } from '../../../server/clock/index.ts';
import { startCase } from '../../../server/cases/index.ts';
import { SlaJobs, sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { onPostgres, sameDb } from '../../support/db.ts';
import type { Db } from '../../../server/db/index.ts';

const intake = { region: 'yuquan', processKey: 'citizen-request', category: 'road', urgency: 'normal', title: '路灯不亮', description: '', channel: 'web', confidential: false } as never;

describe('sla/jobs: each cron tick runs on one node only', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given two nodes ticking in the same minute, then one claims the sweep and the other skips it; the next minute is claimed again', async () => {
    const logs: string[] = [];
    const deps = { knex: t.db.knex, clock: t.clock, log: (m: string) => logs.push(m), cache: t.app.sla.cache };
    const a = new SlaJobs({ ...deps, node: 'A' });
    const b = new SlaJobs({ ...deps, node: 'B' });
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    expect([ra.sweep, rb.sweep].filter(Boolean)).to.have.length(1);
    expect([ra.calendarCheck, rb.calendarCheck].filter(Boolean)).to.have.length(1);
    expect((await b.tick()).sweep).to.equal(false);
    t.clock.advance(MINUTE);
    expect((await b.tick()).sweep).to.equal(true);
    const ticks = await t.db.knex('job_ticks').where({ job: 'sla-sweep' });
    expect(ticks).to.have.length(2);
  });

  it('given the app started in the background, then the cron job is scheduled and stop() ends it', async () => {
    const started = await startTestApp();
    try {
      await started.app.start({ background: true });
      expect(started.app.sla.jobs.scheduled).to.equal(true);
    } finally {
      await started.close(); // stop() must leave no cron task behind (mocha --exit would hide a leak)
    }
    expect(started.app.sla.jobs.scheduled).to.equal(false);
  });
});

describe('sla/sweep on two nodes (PostgreSQL): 500 cases breaching at the same instant give 500 breach records', function () {
  let t: TestApp;
  let second: Db;
  before(async function () {
    if (!onPostgres()) {
      console.log('    (skipped: needs PostgreSQL — set DATABASE_URL to run two nodes with their own pools)');
      this.skip();
    }
    t = await startTestApp();
    second = await sameDb(t.db);
  });
  after(async () => {
    await second?.close();
    await t?.close();
  });

  it('given 500 open dispatch tasks due at one instant, when two nodes sweep at once, then every breach and its timeline event is written exactly once', async function () {
    this.timeout(300_000);
    const ids: number[] = [];
    for (let i = 0; i < 500; i += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => startCase(t.app.ctx.runtime, intake, 'citizen')));
      ids.push(...batch.map((c) => c.id));
    }
    t.clock.advance(2 * HOUR + MINUTE);
    const nodeA = { knex: t.db.knex, clock: t.clock, runtime: { node: 'A' } };
    const nodeB = { knex: second.knex, clock: t.clock, runtime: { node: 'B' } };
    const [ra, rb] = await Promise.all([sweepSla(nodeA, { batch: 50 }), sweepSla(nodeB, { batch: 50 })]);
    expect(ra.breaches + rb.breaches).to.equal(500);
    const rows = await t.db.knex('sla_breaches').where({ kind: 'breach' }).select('node', 'case_id');
    expect(rows).to.have.length(500);
    expect(new Set(rows.map((r) => r.case_id)).size).to.equal(500);
    const events = await t.db.knex('case_events').where({ type: 'sla.breached' }).count<{ n: number }[]>('* as n').first();
    expect(Number(events!.n)).to.equal(500);
    // Both sweep again: nothing more.
    const again = await Promise.all([sweepSla(nodeA), sweepSla(nodeB)]);
    expect(again[0].breaches + again[1].breaches).to.equal(0);
    console.log(`      breaches written by node A: ${rows.filter((r) => r.node === 'A').length}, by node B: ${rows.filter((r) => r.node === 'B').length}`);
  });
});
