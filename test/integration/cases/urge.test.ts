import { expect } from 'chai';
import { DAY, HOUR } from '../../../server/clock/index.ts';
import { verifyChain } from '../../../server/audit/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

describe('督办/催办: POST /cases/:id/urge', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  async function atUnit() {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    return c;
  }

  it('督办 by a leader marks the unit\'s open task with note and due time, shows in its task list and on the timeline', async () => {
    const c = await atUnit();
    const dueAt = new Date(t.clock.now().getTime() + DAY).toISOString();
    const res = await t.call('POST', `/api/v1/cases/${c.id}/urge`, { as: 'yuquan.leader', body: { kind: 'supervise', note: '请明日前反馈处置情况', dueAt } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ kind: 'supervise', by: 'yuquan.leader', dueAt });
    expect(res.body.units).to.deep.equal(['city-management']);
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.urge).to.include({ kind: 'supervise', note: '请明日前反馈处置情况', dueAt, by: 'yuquan.leader' });
    expect(verify.urgeCount).to.equal(1);
    // The handling unit sees it where it works: its own task list.
    const list = await t.call('GET', `/api/v1/tasks?caseId=${c.id}`, { as: 'yuquan.handler' });
    expect(list.status, list.text).to.equal(200);
    expect(list.body.items[0].urge.kind).to.equal('supervise');
    const d = await caseDetail(t, c.id);
    const ev = d.timeline.find((e: { type: string }) => e.type === 'case.supervised');
    expect(ev.actor).to.equal('yuquan.leader');
    expect(ev.data).to.deep.include({ note: '请明日前反馈处置情况', dueAt, taskIds: [verify.id], units: ['city-management'] });
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('催办 by a dispatcher needs no due time, counts up and keeps the latest on the task', async () => {
    const c = await atUnit();
    for (const note of ['群众再次来电', '请尽快处理']) {
      const res = await t.call('POST', `/api/v1/cases/${c.id}/urge`, { as: 'yuquan.dispatcher', body: { kind: 'remind', note } });
      expect(res.status, res.text).to.equal(200);
      t.clock.advance(HOUR);
    }
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.urge).to.include({ kind: 'remind', note: '请尽快处理', dueAt: null });
    expect(verify.urgeCount).to.equal(2);
    const d = await caseDetail(t, c.id);
    expect(d.timeline.filter((e: { type: string }) => e.type === 'case.reminded')).to.have.length(2);
  });

  it('refuses 督办 without a due time or with one in the past, handlers, and closed cases', async () => {
    const c = await atUnit();
    const none = await t.call('POST', `/api/v1/cases/${c.id}/urge`, { as: 'yuquan.leader', body: { kind: 'supervise', note: 'x' } });
    expect(none.status).to.equal(422);
    expect(none.body.error.details.fields[0].field).to.equal('dueAt');
    const past = await t.call('POST', `/api/v1/cases/${c.id}/urge`, { as: 'yuquan.leader', body: { kind: 'supervise', note: 'x', dueAt: new Date(t.clock.now().getTime() - HOUR).toISOString() } });
    expect(past.status).to.equal(422);
    expect(past.body.error.code).to.equal('due_in_past');
    const handler = await t.call('POST', `/api/v1/cases/${c.id}/urge`, { as: 'yuquan.handler', body: { kind: 'remind', note: 'x' } });
    expect(handler.status).to.equal(403);
    const other = await t.call('POST', `/api/v1/cases/${c.id}/urge`, { as: 'dongsheng.dispatcher', body: { kind: 'remind', note: 'x' } });
    expect(other.status).to.be.oneOf([403, 404]);
    const closed = await submit(t, { region: 'yuquan', category: 'road' });
    const tr = await t.call('POST', `/api/v1/cases/${closed.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '110', reason: '打架' } });
    expect(tr.status, tr.text).to.equal(200);
    const late = await t.call('POST', `/api/v1/cases/${closed.id}/urge`, { as: 'yuquan.leader', body: { kind: 'remind', note: 'x' } });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('case_not_open');
    const d = await caseDetail(t, c.id);
    expect(d.timeline.some((e: { type: string }) => e.type === 'case.supervised' || e.type === 'case.reminded')).to.equal(false);
  });
});
