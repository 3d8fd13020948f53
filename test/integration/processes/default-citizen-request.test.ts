import { expect } from 'chai';
import { DAY, MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

describe('process default/citizen-request (群众诉求办理)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given a valid road case, when every step is done in turn, then it is dispatched, verified, resolved, replied and closed with the evaluation', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road', urgency: 'normal' });
    const dispatch = await openTask(t, c.id, 'dispatch');
    expect(dispatch.candidateGroups).to.deep.equal(['dispatchers']);
    expect(new Date(dispatch.dueAt).getTime()).to.equal(t.clock.now().getTime() + 2 * 60 * MINUTE);
    expect(dispatch.form.fields.map((f: { id: string }) => f.id)).to.include('department');

    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management', dispatchNote: '请城管核实' });
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.candidateGroups).to.deep.equal(['city-management']);

    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolve');
    // A road fault's resolution limit is 5 working days (sla_limits): received Monday 2 March 2026
    // 09:00 China time → the end of office hours (18:00) on Monday 9 March.
    expect(resolve.dueAt).to.equal('2026-03-09T10:00:00.000Z');

    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已更换灯泡' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '您反映的路灯已修复' });
    await complete(t, c.id, 'evaluate', 'yuquan.dispatcher', { score: 5, comment: '满意' });

    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endClosed');
    expect(detail.variables).to.include({ department: 'city-management', valid: true, score: 5 });
    expect(detail.openTasks).to.have.length(0);
    const types = detail.timeline.map((e: { type: string }) => e.type);
    expect(types[0]).to.equal('case.created');
    expect(types.filter((x: string) => x === 'task.completed')).to.have.length(5);
    expect(types.at(-1)).to.equal('case.closed');
  });

  it('given a case found invalid on site, when verified as not valid, then the reason is replied and the case ends', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'noise' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'street-office' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: false, finding: '现场无噪音' });
    expect(await openElements(t, c.id)).to.deep.equal(['replyInvalid']);
    await complete(t, c.id, 'replyInvalid', 'yuquan.handler', { replyText: '经核实不属实' });
    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endInvalid');
  });

  it('given a replied case, when the citizen does not evaluate within 7 days, then the timer closes it unevaluated exactly once', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'sanitation' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'community' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: 'ok' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: 'done' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: 'done' });

    t.clock.advance(6 * DAY);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['evaluate']);

    t.clock.advance(DAY + MINUTE);
    expect(await t.app.scheduler.runOnce()).to.be.greaterThan(0);
    expect(await t.app.scheduler.runOnce()).to.equal(0);
    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endUnevaluated');
    const firings = await t.db.knex('timer_firings').where({ case_id: c.id });
    expect(firings).to.have.length(1);
    expect(firings[0].element_id).to.equal('evaluateTimeout');
  });

  it('given an urgent case in resolution, when the resolution limit passes, then a 督办 task opens for leaders and resolve stays open', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'water', urgency: 'urgent' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'water-utility' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '停水' });
    t.clock.advance(DAY + MINUTE);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolve', 'supervise']);
    expect((await openTask(t, c.id, 'supervise')).candidateGroups).to.deep.equal(['leaders']);
    await complete(t, c.id, 'supervise', 'yuquan.leader', { instruction: '今日内解决' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已恢复供水' });
    expect(await openElements(t, c.id)).to.deep.equal(['reply']);
  });
});
