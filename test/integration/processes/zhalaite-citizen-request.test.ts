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
    expect((await openTask(t, c.id, 'verifyEnforcement')).candidateGroups).to.deep.equal(['enforcement-bureau']);

    await complete(t, c.id, 'verifyEnforcement', 'zhalaite.handler', { valid: true, finding: '属实' });
    expect((await openTask(t, c.id, 'resolveEnforcement')).candidateGroups).to.deep.equal(['enforcement-bureau']);
    await complete(t, c.id, 'resolveEnforcement', 'zhalaite.handler', { resolution: '已清理' });
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
    await complete(t, c.id, 'replyInvalidEnforcement', 'zhalaite.handler', { replyText: '经核实不属实' });
    expect((await caseDetail(t, c.id)).endElementId).to.equal('endInvalidEnforcement');
  });

  it('given a water case in 扎赉特旗, when it is submitted, then it goes to dispatch', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'water' });
    expect(await openElements(t, c.id)).to.deep.equal(['dispatch']);
  });

  it('given an emergency road case in 执法局办理, when 2 hours pass, then leaders supervise once and the bureau still resolves', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'road', urgency: 'emergency' });
    await complete(t, c.id, 'verifyEnforcement', 'zhalaite.handler', { valid: true, finding: '属实' });
    t.clock.advance(2 * HOUR + MINUTE);
    await t.app.scheduler.runOnce();
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolveEnforcement', 'supervise']);
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
