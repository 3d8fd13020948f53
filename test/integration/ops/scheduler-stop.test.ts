import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../../server/app.ts';
import { HOUR } from '../../../server/clock/index.ts';
import { Scheduler } from '../../../server/scheduler/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

const ONE_TIMER = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes/timer.bpmn'), 'utf8');
const CASES = 40;

/**
 * Issue 14: stopping the scheduler waited for the whole due backlog, so a
 * node told to stop after downtime kept firing thousands of timers. It now
 * stops after the case at hand; the rest stays due, and fires once later.
 */
describe('scheduler: stop() ends after the case at hand, not after the due backlog', function () {
  this.timeout(180_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    const res = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml: ONE_TIMER } });
    expect(res.status, res.text).to.equal(201);
  });
  after(() => t?.close());

  it('given 40 due timers and batches of 2, when the loop is stopped after its first commit, then part of the backlog fired whole, the rest is still due, and a later run fires it exactly once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < CASES; i += 1) {
      const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: 'bench-timer', category: 'road', title: `backlog ${i}`, description: '' } });
      expect(res.status, res.text).to.equal(201);
      ids.push(res.body.id);
    }
    t.clock.advance(HOUR + 1000);
    const knex = t.db.knex;
    const firedCount = async () => Number((await knex('timer_firings').whereIn('case_id', ids).count<{ n: number }[]>('* as n'))[0].n);

    // When: the loop runs, and is stopped as soon as its first batch has committed.
    const scheduler = new Scheduler(t.app.ctx.runtime, { batch: 2 });
    await scheduler.start();
    const deadline = Date.now() + 60_000;
    while ((await firedCount()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await scheduler.stop();

    // Then: some fired, far from all; each fired case is whole (closed, one firing, one timer.fired event), the others untouched and still due.
    const fired = await firedCount();
    expect(fired, 'nothing fired before the stop').to.be.greaterThan(0);
    expect(fired, 'stop() waited for the whole backlog').to.be.lessThan(CASES);
    const check = async () => {
      const cases = await knex('cases').whereIn('id', ids).select('id', 'status', 'next_wake_at', 'event_seq');
      const firings = await knex('timer_firings').whereIn('case_id', ids).select('case_id');
      const events = await knex('case_events').whereIn('case_id', ids).select('case_id', 'type');
      for (const c of cases) {
        const n = firings.filter((f) => Number(f.case_id) === c.id).length;
        const mine = events.filter((e) => Number(e.case_id) === c.id);
        expect(n, `case ${c.id} fired twice`).to.be.at.most(1);
        expect(mine.filter((e) => e.type === 'timer.fired'), `case ${c.id}`).to.have.length(n);
        expect(c.event_seq, `case ${c.id}`).to.equal(mine.length);
        if (n) expect(c, `case ${c.id}`).to.include({ status: 'closed', next_wake_at: null });
        else expect(c.status === 'open' && c.next_wake_at !== null, `case ${c.id} half fired`).to.equal(true);
      }
      return cases.filter((c) => c.status === 'open').length;
    };
    expect(await check()).to.equal(CASES - fired);

    // And: the backlog left behind fires on the next run, each timer once.
    expect(await t.app.scheduler.runOnce()).to.equal(CASES - fired);
    expect(await firedCount()).to.equal(CASES);
    expect(await check()).to.equal(0);
  });

  it('given due timers, when stopped right after it started, then the loop fires nothing: the stop is seen before the first case', async () => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: 'bench-timer', category: 'road', title: 'late', description: '' } });
    expect(res.status, res.text).to.equal(201);
    t.clock.advance(HOUR + 1000);
    const scheduler = new Scheduler(t.app.ctx.runtime, { batch: 2 });
    await scheduler.start();
    await scheduler.stop();
    expect(await t.db.knex('timer_firings').where({ case_id: res.body.id }).first()).to.equal(undefined);
    expect(await t.db.knex('cases').where({ id: res.body.id }).first('status')).to.deep.equal({ status: 'open' });
  });
});
