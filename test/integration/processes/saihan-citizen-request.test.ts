import { expect } from 'chai';
import { DAY, MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

describe('process saihan/citizen-request (赛罕区: 退役军人服务站)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given a veterans case in 赛罕区, when it is submitted, then the veterans service resolves and replies in one task, then the citizen evaluates', async () => {
    const c = await submit(t, { region: 'saihan', category: 'veterans', title: '优抚金咨询' });
    expect(await openElements(t, c.id)).to.deep.equal(['veteransService']);
    const service = await openTask(t, c.id, 'veteransService');
    expect(service.candidateGroups).to.deep.equal(['veterans-service']);
    // A veterans case's resolution limit is 10 working days (sla_limits, 求助/建议): received
    // Monday 2 March 2026 09:00 China time → the end of office hours (18:00) on Monday 16 March.
    expect(service.dueAt).to.equal('2026-03-16T10:00:00.000Z');

    await complete(t, c.id, 'veteransService', 'saihan.handler', { resolution: '已核发', replyText: '优抚金已发放' });
    expect(await openElements(t, c.id)).to.deep.equal(['evaluate']);
    await complete(t, c.id, 'evaluate', 'saihan.dispatcher', { score: 5, comment: '满意' });

    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('closed');
    expect(detail.endElementId).to.equal('endClosed');
    expect(detail.variables).to.include({ resolution: '已核发', score: 5 });
  });

  it('given a sanitation case in 赛罕区, when it is submitted, then it goes to dispatch', async () => {
    const c = await submit(t, { region: 'saihan', category: 'sanitation' });
    expect(await openElements(t, c.id)).to.deep.equal(['dispatch']);
  });

  it('given a normal veterans case, when its 10 working days pass, then leaders supervise while the service keeps working', async () => {
    const c = await submit(t, { region: 'saihan', category: 'veterans' });
    const service = await openTask(t, c.id, 'veteransService');
    expect(service.dueAt).to.equal('2026-03-16T10:00:00.000Z');
    // Ten calendar days (Thursday 12 March) are not ten working days.
    t.clock.advance(10 * DAY + MINUTE);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['veteransService']);
    t.clock.set(new Date(Date.parse(service.dueAt) + MINUTE));
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['supervise', 'veteransService']);
    await complete(t, c.id, 'supervise', 'saihan.leader', { instruction: '加快办理' });
    await complete(t, c.id, 'veteransService', 'saihan.handler', { resolution: '已办', replyText: '已办理' });
    expect(await openElements(t, c.id)).to.deep.equal(['evaluate']);
  });

  it('given a replied veterans case, when 7 days pass without evaluation, then it closes unevaluated', async () => {
    const c = await submit(t, { region: 'saihan', category: 'veterans' });
    await complete(t, c.id, 'veteransService', 'saihan.handler', { resolution: '已办', replyText: '已办理' });
    t.clock.advance(7 * DAY - MINUTE);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, c.id)).to.deep.equal(['evaluate']);
    t.clock.advance(2 * MINUTE);
    await t.app.scheduler.runOnce();
    const detail = await caseDetail(t, c.id);
    expect(detail.endElementId).to.equal('endUnevaluated');
    expect(await t.db.knex('timer_firings').where({ case_id: c.id, element_id: 'evaluateTimeout' })).to.have.length(1);
  });
});
