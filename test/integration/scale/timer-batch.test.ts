import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../../server/app.ts';
import { HOUR } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

const ONE_TIMER = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes/timer.bpmn'), 'utf8');

/**
 * The timer batch writes its cases without a savepoint each: an engine error is
 * set aside before its case writes anything, and a write error rolls the batch
 * back and redoes it case by case. Either way the other cases fire.
 */
describe('scheduler: one bad case never blocks the others in a timer batch', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    const res = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml: ONE_TIMER } });
    expect(res.status, res.text).to.equal(201);
  });
  after(async () => {
    await t?.db.knex.raw('drop trigger if exists fail_one on case_events').catch(() => undefined);
    await t?.close();
  });

  const start = async () => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: 'bench-timer', category: 'road', title: '定时', description: '' } });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as number;
  };

  it('given six due timers, one case whose saved state the engine cannot read and one whose write fails, when the batch fires, then the four others fire once, the engine failure is an incident at once and the write failure backs off 1, 2 min and is an incident at the third failure', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i += 1) ids.push(await start());
    const [engineBad, writeBad] = [ids[1], ids[4]];
    await t.db.knex('cases').where({ id: engineBad }).update({ engine_state: JSON.stringify({ definitions: 'not a state' }) });
    // A write error inside the batch's transaction: this case's timeline insert fails.
    await t.db.knex.raw(`create or replace function fail_one() returns trigger language plpgsql as $$ begin if new.case_id = ${writeBad} and new.type = 'timer.fired' then raise exception 'disk full (test)'; end if; return new; end $$`);
    await t.db.knex.raw('create trigger fail_one before insert on case_events for each row execute function fail_one()');
    t.clock.advance(HOUR + 1000);

    expect(await t.app.scheduler.runOnce()).to.equal(6);
    const fired = await t.db.knex('timer_firings').whereIn('case_id', ids).pluck('case_id');
    expect(fired.map(Number).sort((x, y) => x - y)).to.deep.equal(ids.filter((id) => id !== engineBad && id !== writeBad));
    const events = await t.db.knex('case_events').whereIn('case_id', ids).where({ type: 'timer.fired' }).count<{ n: number }[]>('* as n');
    expect(Number(events[0].n)).to.equal(4);
    const bad = await t.db.knex('cases').where({ id: engineBad }).first('status', 'incident');
    expect(bad.status).to.equal('incident');
    expect(bad.incident).to.include({ action: 'fire timers', reason: 'engine_error' });
    const incident = await t.db.knex('incidents').where({ case_id: engineBad }).first();
    expect(incident).to.include({ status: 'open', reason: 'engine_error' });
    const timeline = await t.db.knex('case_events').where({ case_id: engineBad, type: 'case.incident' }).first('data');
    expect(timeline.data).to.include({ incidentId: Number(incident.id), reason: 'engine_error' });

    // A write error is not the model's doing: the case waits 1 min, then 2, and is an incident at the third failure.
    const backoff = async () => t.db.knex('cases').where({ id: writeBad }).first('status', 'wake_failures', 'next_wake_at');
    let w = await backoff();
    expect(w).to.include({ status: 'open', wake_failures: 1 });
    expect(new Date(w.next_wake_at).getTime()).to.equal(t.clock.now().getTime() + 60_000);
    expect(await t.app.scheduler.runOnce(), 'nothing due before the backoff ends').to.equal(0);
    t.clock.advance(60_000);
    expect(await t.app.scheduler.runOnce()).to.equal(1);
    w = await backoff();
    expect(w).to.include({ status: 'open', wake_failures: 2 });
    expect(new Date(w.next_wake_at).getTime()).to.equal(t.clock.now().getTime() + 120_000);
    t.clock.advance(120_000);
    expect(await t.app.scheduler.runOnce()).to.equal(1);
    w = await backoff();
    expect(w.status).to.equal('incident');
    expect(await t.db.knex('incidents').where({ case_id: writeBad }).first('reason')).to.deep.equal({ reason: 'repeated_failure' });
    expect(await t.app.scheduler.runOnce()).to.equal(0);
  });
});
