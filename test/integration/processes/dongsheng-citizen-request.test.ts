import { expect } from 'chai';
import { DAY, MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

describe('process dongsheng/citizen-request (东胜区: 设施报修直派物业)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given a facility repair in 东胜区, when it is submitted, then it skips dispatch and the property office verifies, resolves and replies', async () => {
    const c = await submit(t, { region: 'dongsheng', category: 'facility', title: '楼道灯坏了' });
    expect(await openElements(t, c.id)).to.deep.equal(['verifyProperty']);
    const verify = await openTask(t, c.id, 'verifyProperty');
    expect(verify.candidateGroups).to.deep.equal(['property-office']);
    // Working time, as in the default process. Received Monday 2 March 2026 09:00 China time:
    // one working day → the end of office hours (18:00) on Tuesday 3 March.
    expect(verify.dueAt).to.equal('2026-03-03T10:00:00.000Z');

    await complete(t, c.id, 'verifyProperty', 'dongsheng.handler', { valid: true, finding: '属实' });
    // A facility repair's resolution limit is 5 working days (sla_limits) → Monday 9 March 18:00.
    expect((await openTask(t, c.id, 'resolveProperty')).dueAt).to.equal('2026-03-09T10:00:00.000Z');
    await complete(t, c.id, 'resolveProperty', 'dongsheng.handler', { resolution: '已维修' });
    const reply = await openTask(t, c.id, 'replyProperty');
    expect(reply.candidateGroups).to.deep.equal(['property-office']);
    expect(reply.dueAt).to.equal('2026-03-03T10:00:00.000Z');
    await complete(t, c.id, 'replyProperty', 'dongsheng.handler', { replyText: '楼道灯已修好' });
    await complete(t, c.id, 'evaluate', 'dongsheng.dispatcher', { score: 4 });

    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endClosed');
    const elements = detail.tasks.map((x: { elementId: string }) => x.elementId);
    expect(elements).to.not.include('dispatch');
  });

  it('given a facility repair found invalid, when the property office says so, then it replies with the reason and ends', async () => {
    const c = await submit(t, { region: 'dongsheng', category: 'facility' });
    await complete(t, c.id, 'verifyProperty', 'dongsheng.handler', { valid: false, finding: '非物业管辖' });
    expect(await openElements(t, c.id)).to.deep.equal(['replyInvalidProperty']);
    expect((await openTask(t, c.id, 'replyInvalidProperty')).dueAt).to.equal('2026-03-03T10:00:00.000Z');
    await complete(t, c.id, 'replyInvalidProperty', 'dongsheng.handler', { replyText: '请联系住建局' });
    expect((await caseDetail(t, c.id)).endElementId).to.equal('endInvalidProperty');
  });

  it('given a non-facility case in 东胜区, when it is submitted, then it goes to dispatch like the default process', async () => {
    const c = await submit(t, { region: 'dongsheng', category: 'noise' });
    expect(await openElements(t, c.id)).to.deep.equal(['dispatch']);
    await complete(t, c.id, 'dispatch', 'dongsheng.dispatcher', { department: 'street-office' });
    expect((await openTask(t, c.id, 'verify')).candidateGroups).to.deep.equal(['street-office']);
  });

  it('given a normal facility case in 物业办理, when its 5 working days pass (not 5 calendar days), then leaders supervise while resolution stays open', async () => {
    const c = await submit(t, { region: 'dongsheng', category: 'facility', urgency: 'normal' });
    await complete(t, c.id, 'verifyProperty', 'dongsheng.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolveProperty');
    expect(resolve.dueAt).to.equal('2026-03-09T10:00:00.000Z');

    // Saturday 7 March: five calendar days have passed, five working days have not.
    t.clock.advance(5 * DAY + MINUTE);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolveProperty']);

    t.clock.set(new Date(Date.parse(resolve.dueAt) - MINUTE));
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolveProperty']);

    t.clock.advance(2 * MINUTE);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['resolveProperty', 'supervise']);
    // 督办 within one working day: Monday 18:01 → the end of Tuesday 10 March.
    expect((await openTask(t, c.id, 'supervise')).dueAt).to.equal('2026-03-10T10:00:00.000Z');
    const firings = await t.db.knex('timer_firings').where({ case_id: c.id });
    expect(firings.map((f: { element_id: string }) => f.element_id)).to.deep.equal(['resolvePropertyOverdue']);

    await complete(t, c.id, 'supervise', 'dongsheng.leader', { instruction: '尽快处理' });
    await complete(t, c.id, 'resolveProperty', 'dongsheng.handler', { resolution: '已维修' });
    expect(await openElements(t, c.id)).to.deep.equal(['replyProperty']);
  });

  it('given a replied facility case, when the citizen does not evaluate in 7 days, then it closes unevaluated', async () => {
    const c = await submit(t, { region: 'dongsheng', category: 'facility' });
    await complete(t, c.id, 'verifyProperty', 'dongsheng.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolveProperty', 'dongsheng.handler', { resolution: '已维修' });
    await complete(t, c.id, 'replyProperty', 'dongsheng.handler', { replyText: '已修好' });

    t.clock.advance(7 * DAY + MINUTE);
    await t.app.scheduler.runOnce();
    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endUnevaluated');
  });
});
