import { expect } from 'chai';
import { HOUR, ManualClock } from '../../../server/clock/index.ts';
import { createCaseRuntime, startCase } from '../../../server/cases/index.ts';
import { deployDefinition } from '../../../server/definitions/index.ts';
import type { Db } from '../../../server/db/index.ts';
import { ensureRegions } from '../../../server/regions/index.ts';
import { Scheduler } from '../../../server/scheduler/index.ts';
import { freshDb, onPostgres, sameDb } from '../../support/db.ts';
import { timerThenTask } from '../../support/bpmn-samples.ts';

const CASES = 1000;

/** Each case waits on exactly one timer (PT1H), then on the user task "after". */
const ONE_TIMER = timerThenTask('PT1H', 'one-timer', 'hour');

describe('scheduler: two nodes on one PostgreSQL fire 1,000 timers exactly once', function () {
  this.timeout(180_000);
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  let dbA: Awaited<ReturnType<typeof freshDb>>;
  let dbB: Db;
  const node = (knex: Db['knex'], name: string) => createCaseRuntime({ knex, clock, node: name });

  before(async function () {
    if (!onPostgres()) {
      console.log('two-schedulers: needs PostgreSQL (DATABASE_URL); skipped on embedded PGlite');
      this.skip();
    }
    dbA = await freshDb({ poolMax: 10 });
    dbB = await sameDb(dbA, 10);
    await ensureRegions(dbA.knex);
    await deployDefinition(dbA.knex, clock, { regionId: 'yuquan', xml: ONE_TIMER, deployedBy: 'test' });
  });
  after(async () => {
    await dbB?.close();
    await dbA?.drop();
  });

  it('given 1,000 cases each waiting on a due timer, when schedulers A and B run concurrently, then each timer fires once, both share the work, and a restart fires nothing again', async () => {
    const rtA = node(dbA.knex, 'A');
    const rtB = node(dbB.knex, 'B');

    // Intake through both nodes, 20 at a time.
    const input = { region: 'yuquan', processKey: 'one-timer', category: 'other' as const, urgency: 'normal' as const, title: 't', description: '', channel: 'web' as const };
    for (let i = 0; i < CASES; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, CASES - i) }, (_, j) => startCase(j % 2 ? rtB : rtA, input, 'test')));
    }
    const waiting = await dbA.knex('cases').whereNotNull('next_wake_at').count<{ n: number }[]>('* as n').first();
    expect(Number(waiting!.n)).to.equal(CASES);

    clock.advance(HOUR + 1000);
    const schedA = new Scheduler(rtA, { batch: 20 });
    const schedB = new Scheduler(rtB, { batch: 20 });
    let rounds = 0;
    for (;;) {
      const [a, b] = await Promise.all([schedA.runOnce(), schedB.runOnce()]);
      rounds += 1;
      if (a === 0 && b === 0) break;
      expect(rounds, 'the schedulers never ran dry').to.be.lessThan(50);
    }

    const knex = dbA.knex;
    const total = await knex('timer_firings').count<{ n: number }[]>('* as n').first();
    expect(Number(total!.n)).to.equal(CASES);
    const perCase = await knex('timer_firings').select('case_id').count('* as n').groupBy('case_id').having(knex.raw('count(*) <> 1'));
    expect(perCase, 'a case fired twice').to.deep.equal([]);
    const distinct = await knex('timer_firings').countDistinct<{ n: number }[]>('case_id as n').first();
    expect(Number(distinct!.n)).to.equal(CASES);

    const byNode = Object.fromEntries(
      (await knex('timer_firings').select('node').count('* as n').groupBy('node')).map((r) => [String(r.node), Number(r.n)]),
    );
    expect(Object.keys(byNode).sort()).to.deep.equal(['A', 'B']);
    expect(byNode.A + byNode.B).to.equal(CASES);
    expect(byNode.A, JSON.stringify(byNode)).to.be.greaterThan(0);
    expect(byNode.B, JSON.stringify(byNode)).to.be.greaterThan(0);

    const events = await knex('case_events').where({ type: 'timer.fired' }).count<{ n: number }[]>('* as n').first();
    expect(Number(events!.n)).to.equal(CASES);
    const advanced = await knex('tasks').where({ element_id: 'after', status: 'open' }).countDistinct<{ n: number }[]>('case_id as n').first();
    expect(Number(advanced!.n), 'cases that reached the task after the timer').to.equal(CASES);
    const stillDue = await knex('cases').whereNotNull('next_wake_at').count<{ n: number }[]>('* as n').first();
    expect(Number(stillDue!.n)).to.equal(0);

    // A "restart": fresh runtimes (empty caches) on both pools; and later, more time passes.
    const restarted = [new Scheduler(node(dbA.knex, 'A2')), new Scheduler(node(dbB.knex, 'B2'))];
    expect(await Promise.all(restarted.map((s) => s.runOnce()))).to.deep.equal([0, 0]);
    clock.advance(24 * HOUR);
    expect(await Promise.all(restarted.map((s) => s.runOnce()))).to.deep.equal([0, 0]);
    expect(Number((await knex('timer_firings').count<{ n: number }[]>('* as n').first())!.n)).to.equal(CASES);
  });
});

