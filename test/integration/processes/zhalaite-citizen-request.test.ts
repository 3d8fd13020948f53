import { expect } from 'chai';
import { DAY, HOUR, MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

describe('process zhalaite/citizen-request (扎赉特旗: 道路障碍直派综合执法局)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given a road obstruction in 扎赉特旗, when it is submitted, then the enforcement bureau verifies, resolves and replies without dispatch', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'road', title: '占道经营' });
    expect(await openElements(t, c.id)).to.deep.equal(['verifyEnforcement']);
    const verify = await openTask(t, c.id, 'verifyEnforcement');
    expect(verify.candidateGroups).to.deep.equal(['enforcement-bureau']);
    // Working time, as in the default process. Received Monday 2 March 2026 09:00 China time:
    // one working day → the end of office hours (18:00) on Tuesday 3 March.
    expect(verify.dueAt).to.equal('2026-03-03T10:00:00.000Z');

    await complete(t, c.id, 'verifyEnforcement', 'zhalaite.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolveEnforcement');
    expect(resolve.candidateGroups).to.deep.equal(['enforcement-bureau']);
    // A road case's resolution limit is 5 working days (sla_limits) → Monday 9 March 18:00.
    expect(resolve.dueAt).to.equal('2026-03-09T10:00:00.000Z');
    await complete(t, c.id, 'resolveEnforcement', 'zhalaite.handler', { resolution: '已清理' });
    expect((await openTask(t, c.id, 'replyEnforcement')).dueAt).to.equal('2026-03-03T10:00:00.000Z');
    await complete(t, c.id, 'replyEnforcement', 'zhalaite.handler', { replyText: '占道已清理' });
    await complete(t, c.id, 'evaluate', 'zhalaite.dispatcher', { score: 5 });

    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endClosed');
    expect(detail.tasks.map((x: { elementId: string }) => x.elementId)).to.not.include('dispatch');
  });

  it('given a road obstruction found invalid, when the bureau says so, then it replies with the reason and ends', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'road' });
    await complete(t, c.id, 'verifyEnforcement', 'zhalaite.handler', { valid: false, finding: '现场无占道' });
    expect((await openTask(t, c.id, 'replyInvalidEnforcement')).dueAt).to.equal('2026-03-03T10:00:00.000Z');
    await complete(t, c.id, 'replyInvalidEnforcement', 'zhalaite.handler', { replyText: '经核实不属实' });
    expect((await caseDetail(t, c.id)).endElementId).to.equal('endInvalidEnforcement');
  });

  it('given a water case in 扎赉特旗, when it is submitted, then it goes to dispatch', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'water' });
    expect(await openElements(t, c.id)).to.deep.equal(['dispatch']);
  });

  it('given an emergency road case in 执法局办理, when 2 hours pass (natural time), then leaders supervise once and the bureau still resolves', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'road', urgency: 'emergency' });
    await complete(t, c.id, 'verifyEnforcement', 'zhalaite.handler', { valid: true, finding: '属实' });
    // An emergency's resolution limit stays natural time (PT2H in sla_limits), round the clock.
    const resolve = await openTask(t, c.id, 'resolveEnforcement');
    expect(Date.parse(resolve.dueAt)).to.equal(t.clock.now().getTime() + 2 * HOUR);
    t.clock.advance(2 * HOUR - MINUTE);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolveEnforcement']);
    t.clock.advance(2 * MINUTE);
    await t.app.scheduler.runOnce();
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolveEnforcement', 'supervise']);
    expect(Date.parse((await openTask(t, c.id, 'supervise')).dueAt)).to.equal(t.clock.now().getTime() + 2 * HOUR);
    expect(await t.db.knex('timer_firings').where({ case_id: c.id, element_id: 'resolveEnforcementOverdue' })).to.have.length(1);
    await complete(t, c.id, 'resolveEnforcement', 'zhalaite.handler', { resolution: '已清理' });
    expect(await openElements(t, c.id)).to.deep.equal(['replyEnforcement', 'supervise']);
  });

  it('given a replied road case, when 7 days pass without evaluation, then it closes unevaluated', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'road' });
    await complete(t, c.id, 'verifyEnforcement', 'zhalaite.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolveEnforcement', 'zhalaite.handler', { resolution: '已清理' });
    await complete(t, c.id, 'replyEnforcement', 'zhalaite.handler', { replyText: '已清理' });
    t.clock.advance(7 * DAY + MINUTE);
    await t.app.scheduler.runOnce();
    expect((await caseDetail(t, c.id)).endElementId).to.equal('endUnevaluated');
  });
});
