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

  it('given six due timers, one case whose saved state the engine cannot read and one whose write fails, when the batch fires, then the four others fire once and the two become incidents', async () => {
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
    const statuses = await t.db.knex('cases').whereIn('id', [engineBad, writeBad]).pluck('status');
    expect(statuses).to.deep.equal(['incident', 'incident']);
    expect(await t.app.scheduler.runOnce()).to.equal(0);
  });
});
