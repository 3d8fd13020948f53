import { expect } from 'chai';
import { MINUTE } from '../../../server/clock/index.ts';
import { verifyChain } from '../../../server/audit/index.ts';
import { sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

type Event = { type: string; actor: string; data: Record<string, any> };

describe('延期 approved by a leader moves the SLA clock (work order × SLA)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const taskClock = (taskId: number) => t.db.knex('sla_clocks').where({ task_id: taskId }).first();
  const taskRecords = (taskId: number) => t.db.knex('sla_breaches').where({ task_id: taskId, clock_kind: 'task' }).orderBy('id');

  /** A road case at resolve: opened Monday 2 March 2026 09:00 China time, due (5 working days) Monday 9 March 18:00. */
  async function resolving() {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    return { c, resolve: await openTask(t, c.id, 'resolve') };
  }

  async function extend(caseId: number, taskId: number, newDue: Date) {
    const req = await t.call('POST', `/api/v1/tasks/${taskId}/extension`, { as: 'yuquan.handler', body: { reason: '需采购配件', requestedDue: newDue.toISOString() } });
    expect(req.status, req.text).to.equal(201);
    await complete(t, caseId, 'extension_review', 'yuquan.leader', { approved: true });
  }

  it('given a resolve task extended before its deadline, then it does not breach at the old limit, breaches at the new one, and the timeline and the breach record carry the new due time', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const { c, resolve } = await resolving();
    const oldDue = new Date(resolve.dueAt);
    expect(oldDue.toISOString()).to.equal('2026-03-09T10:00:00.000Z');
    const before = await taskClock(resolve.id);

    t.clock.set('2026-03-05T02:00:00Z'); // Thursday: well before the deadline
    const newDue = new Date('2026-03-12T10:00:00.000Z'); // Thursday 12 March 18:00
    await extend(c.id, resolve.id, newDue);

    expect((await openTask(t, c.id, 'resolve')).dueAt).to.equal(newDue.toISOString());
    const clock = await taskClock(resolve.id);
    expect(clock.due_at.toISOString()).to.equal(newDue.toISOString());
    expect(clock.original_due_at.toISOString()).to.equal(oldDue.toISOString());
    expect(clock.extensions).to.equal(1);
    // The warning (催办) is re-armed inside the new span, later than it was.
    expect(clock.warn_at.getTime()).to.be.greaterThan(before.warn_at.getTime()).and.lessThan(newDue.getTime());

    // One event for one extension, after the leader's approval, by the leader.
    let timeline: Event[] = (await caseDetail(t, c.id)).timeline;
    const extended = timeline.filter((e) => e.type === 'sla.extended');
    expect(extended).to.have.length(1);
    expect(extended[0]!.actor).to.equal('yuquan.leader');
    expect(extended[0]!.data).to.include({ taskId: resolve.id, from: oldDue.toISOString(), to: newDue.toISOString(), reason: '需采购配件' });
    expect(timeline.map((e) => e.type)).to.not.include('task.extended');
    const approval = timeline.findIndex((e) => e.type === 'task.completed' && e.data.kind === 'extension_review');
    expect(approval).to.be.greaterThan(-1).and.lessThan(timeline.indexOf(extended[0]!));

    // The old limit passes: no breach of the task (only the warning for the new span may be due).
    t.clock.set(new Date(oldDue.getTime() + MINUTE));
    await sweepSla(t.app.ctx);
    expect((await taskRecords(resolve.id)).filter((r) => r.kind === 'breach')).to.have.length(0);

    // The re-armed warning goes out once, naming the new due time.
    t.clock.set(new Date(clock.warn_at.getTime() + MINUTE));
    await sweepSla(t.app.ctx);
    const warnings = (await taskRecords(resolve.id)).filter((r) => r.kind === 'warning');
    expect(warnings).to.have.length(1);
    expect(warnings[0].due_at.toISOString()).to.equal(newDue.toISOString());

    // The new limit passes: one breach, at the new due time.
    t.clock.set(new Date(newDue.getTime() + MINUTE));
    await sweepSla(t.app.ctx);
    await sweepSla(t.app.ctx);
    const breaches = (await taskRecords(resolve.id)).filter((r) => r.kind === 'breach');
    expect(breaches).to.have.length(1);
    expect(breaches[0].due_at.toISOString()).to.equal(newDue.toISOString());

    timeline = (await caseDetail(t, c.id)).timeline;
    const breached = timeline.filter((e) => e.type === 'sla.breached' && e.data.clock === 'task' && e.data.taskId === resolve.id);
    expect(breached).to.have.length(1);
    expect(breached[0]!.data.dueAt).to.equal(newDue.toISOString());
    expect(timeline.filter((e) => e.type === 'sla.extended')).to.have.length(1);
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);

    // The public tracking page says the deadline was extended, and to when.
    const track = await t.call('GET', `/api/v1/track/${c.caseNo}?code=${(c as { trackingCode?: string }).trackingCode}`);
    expect(track.status, track.text).to.equal(200);
    expect(track.body.steps.filter((s: { detail?: string }) => s.detail === newDue.toISOString())).to.have.length(1);
  });

  it('given a refused extension, then the due time and the clock stay and nothing is extended', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const { c, resolve } = await resolving();
    const req = await t.call('POST', `/api/v1/tasks/${resolve.id}/extension`, { as: 'yuquan.handler', body: { reason: '需采购配件', requestedDue: '2026-03-12T10:00:00Z' } });
    expect(req.status, req.text).to.equal(201);
    await complete(t, c.id, 'extension_review', 'yuquan.leader', { approved: false, note: '请按期办结' });
    expect((await openTask(t, c.id, 'resolve')).dueAt).to.equal(resolve.dueAt);
    const clock = await taskClock(resolve.id);
    expect(clock.due_at.toISOString()).to.equal(resolve.dueAt);
    expect(clock.extensions).to.equal(0);
    const types = (await caseDetail(t, c.id)).timeline.map((e: Event) => e.type);
    expect(types).to.include('task.extension_rejected');
    expect(types).to.not.include('sla.extended');
  });

  it('given an extension, then the 督办 boundary timer armed when resolve opened no longer fires at the original limit', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const { c, resolve } = await resolving();
    t.clock.set('2026-03-05T02:00:00Z');
    await extend(c.id, resolve.id, new Date('2026-03-12T10:00:00.000Z'));
    t.clock.set(new Date(Date.parse(resolve.dueAt) + MINUTE));
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolve']);
  });
});
