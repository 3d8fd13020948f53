import { expect } from 'chai';
import { HOUR, MINUTE } from '../../../server/clock/index.ts';
import { verifyChain } from '../../../server/audit/index.ts';
import { extendDue, sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

const clocksOf = (t: TestApp, caseId: number) => t.db.knex('sla_clocks').where({ case_id: caseId }).orderBy('id');
const recordsOf = (t: TestApp, caseId: number) => t.db.knex('sla_breaches').where({ case_id: caseId }).orderBy('id');
const sweep = (t: TestApp) => sweepSla(t.app.ctx);

describe('sla/clocks: warnings (催办) and breaches (超期), each recorded once', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(); // Monday 2 March 2026, 09:00 China time
  });
  after(async () => t?.close());

  it('given a new road case, then it has response and resolution clocks on working days and a clock on its dispatch task', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const clocks = await clocksOf(t, c.id);
    const byKind = Object.fromEntries(clocks.map((k) => [k.kind, k]));
    expect(Object.keys(byKind).sort()).to.deep.equal(['resolution', 'response', 'task']);
    expect(byKind.response.due_at.toISOString()).to.equal('2026-03-03T10:00:00.000Z'); // 1 working day: Tuesday 18:00
    expect(byKind.resolution.due_at.toISOString()).to.equal('2026-03-09T10:00:00.000Z'); // 5 working days
    expect(byKind.resolution.working_time).to.equal(true);
    expect(byKind.task.element_id).to.equal('dispatch');
    expect(byKind.task.due_at.getTime() - byKind.task.started_at.getTime()).to.equal(2 * HOUR);
    expect(byKind.task.warn_at.getTime() - byKind.task.started_at.getTime()).to.equal(96 * MINUTE); // 80% of 2 h
  });

  it('given an open dispatch task, when 80% and then 100% of its time pass, then one warning and one breach are recorded, however often the sweep runs', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    t.clock.advance(100 * MINUTE);
    const first = await sweep(t);
    expect(first.warnings).to.be.greaterThan(0);
    await sweep(t);
    let records = await recordsOf(t, c.id);
    expect(records.map((r) => r.kind)).to.deep.equal(['warning']);

    t.clock.advance(21 * MINUTE);
    await sweep(t);
    await sweep(t);
    records = await recordsOf(t, c.id);
    expect(records.map((r) => r.kind)).to.deep.equal(['warning', 'breach']);
    const breach = records[1];
    expect(breach).to.include({ element_id: 'dispatch', clock_kind: 'task', responsible_group: 'dispatchers', task_name: '派单', category: 'road', ended_at: null });
    expect(breach.due_at.getTime()).to.equal(breach.started_at.getTime() + 2 * HOUR);

    // Completing it late fills in the actual time; it does not record a second breach.
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    records = await recordsOf(t, c.id);
    expect(records.filter((r) => r.kind === 'breach')).to.have.length(1);
    expect(records[1].ended_at.toISOString()).to.equal(t.clock.now().toISOString());

    const types = (await caseDetail(t, c.id)).timeline.map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'sla.warning')).to.have.length(1);
    expect(types.filter((x: string) => x === 'sla.breached')).to.have.length(1);
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('given a task completed after its due time with no sweep in between, then completion records the breach at once, with who completed it', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    // Two office hours (workhours(2)): past them by an hour, whatever the lunch break does to them.
    t.clock.set(new Date(Date.parse((await openTask(t, c.id, 'dispatch')).dueAt) + HOUR));
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    const [breach] = (await recordsOf(t, c.id)).filter((r) => r.kind === 'breach' && r.clock_kind === 'task');
    expect(breach).to.include({ element_id: 'dispatch', responsible_user: 'yuquan.dispatcher', responsible_group: 'dispatchers' });
    expect(breach.ended_at.toISOString()).to.equal(t.clock.now().toISOString());
    const clock = (await clocksOf(t, c.id)).find((k) => k.kind === 'task' && k.element_id === 'dispatch');
    expect(clock.stop_reason).to.equal('completed');
    expect(clock.breached_at).to.not.equal(null);
  });

  it('given the handling unit verifies and answers in time, then the response and resolution clocks stop on time without records', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已修' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已修好' });
    const clocks = await clocksOf(t, c.id);
    const response = clocks.find((k) => k.kind === 'response');
    const resolution = clocks.find((k) => k.kind === 'resolution');
    expect(response.stop_reason).to.equal('responded');
    expect(resolution.stop_reason).to.equal('answered');
    // The evaluation is the citizen's: no clock on it.
    expect(clocks.filter((k) => k.element_id === 'evaluate')).to.have.length(0);
    expect(await recordsOf(t, c.id)).to.have.length(0);
  });

  it('given an open resolve task, when an extension (延期) is granted, then the task and its clock move and the timeline says so', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolve');
    const newDue = new Date(new Date(resolve.dueAt).getTime() + 3 * 24 * HOUR);
    const ext = await t.db.knex.transaction((trx) => extendDue(trx, resolve.id, newDue, 'yuquan.leader', '需协调多部门', t.clock.now()));
    expect(ext.previousDueAt!.toISOString()).to.equal(resolve.dueAt);
    expect((await openTask(t, c.id, 'resolve')).dueAt).to.equal(newDue.toISOString());
    const clock = (await clocksOf(t, c.id)).find((k) => k.task_id === resolve.id);
    expect(clock.due_at.toISOString()).to.equal(newDue.toISOString());
    expect(clock.extensions).to.equal(1);
    expect(clock.original_due_at.toISOString()).to.equal(resolve.dueAt);
    const last = (await caseDetail(t, c.id)).timeline.at(-1);
    expect(last.type).to.equal('sla.extended');
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
    const past = t.db.knex.transaction((trx) => extendDue(trx, resolve.id, new Date(t.clock.now().getTime() - 1), 'x', 'y', t.clock.now()));
    await past.then(() => expect.fail('accepted a due time in the past'), (err) => expect(err.code).to.equal('due_in_past'));
  });

  it('given the resolve task, then its 督办 boundary timer is armed at the resolution limit (same instant as the task due time)', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'complaint' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'enforcement-bureau' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolve');
    const row = await t.db.knex('cases').where({ id: c.id }).first('next_wake_at');
    expect(row.next_wake_at.toISOString()).to.equal(resolve.dueAt);
    t.clock.set(new Date(new Date(resolve.dueAt).getTime() + MINUTE));
    await t.app.scheduler.runOnce();
    expect((await openTask(t, c.id, 'supervise')).candidateGroups).to.deep.equal(['leaders']);
  });
});
