import { expect } from 'chai';
import { MINUTE } from '../../../server/clock/index.ts';
import { sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

/** Clocks right in every turn of a case (issue 13 item 3): one test per rule, time moved by the injected clock. */
describe('sla/case turns: the clocks follow 延期, closing, 重办, 并单, 改派 and the case deadline', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const clocksOf = (caseId: number) => t.db.knex('sla_clocks').where({ case_id: caseId }).orderBy('id');
  const running = async (caseId: number) => (await clocksOf(caseId)).filter((k) => !k.stopped_at);
  const breachesOf = (caseId: number) => t.db.knex('sla_breaches').where({ case_id: caseId, kind: 'breach' }).orderBy('id');

  /** A road case in yuquan (default process) at its resolve task, opened Monday 2 March 2026 09:00 China time. */
  async function resolving() {
    t.clock.set('2026-03-02T01:00:00Z');
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    return { c, resolve: await openTask(t, c.id, 'resolve') };
  }

  async function requestExtension(taskId: number, requestedDue: string) {
    const res = await t.call('POST', `/api/v1/tasks/${taskId}/extension`, { as: 'yuquan.handler', body: { reason: '需采购配件', requestedDue } });
    expect(res.status, res.text).to.equal(201);
    return res.body.reviewTaskId as number;
  }

  async function closedUnsatisfied() {
    const { c } = await resolving();
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已修复' });
    await complete(t, c.id, 'evaluate', 'yuquan.dispatcher', { score: 1, comment: '没修好' });
    expect((await caseDetail(t, c.id)).status).to.equal('closed');
    return c;
  }

  it('a. given an approved 延期 of resolve past the case deadline, then the case resolution clock moves with it and the 督办 timer fires at the new time', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    t.clock.set('2026-03-03T01:00:00Z'); // verified a day later: resolve's own 5 working days end 10 March, past the case's 9 March
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolve');
    const resolution = (await clocksOf(c.id)).find((k) => k.kind === 'resolution');
    expect(resolution.due_at.toISOString()).to.equal('2026-03-09T10:00:00.000Z');
    expect(resolve.dueAt).to.equal('2026-03-09T10:00:00.000Z'); // capped (rule g); its 督办 timer still says 10 March
    t.clock.set('2026-03-05T02:00:00Z');
    const newDue = '2026-03-12T10:00:00.000Z';
    await requestExtension(resolve.id, newDue);
    await complete(t, c.id, 'extension_review', 'yuquan.leader', { approved: true });
    const moved = await t.db.knex('sla_clocks').where({ id: resolution.id }).first();
    expect(moved.due_at.toISOString()).to.equal(newDue);
    expect(moved.extensions).to.equal(1);
    const extended = (await caseDetail(t, c.id)).timeline.find((e: { type: string }) => e.type === 'sla.extended');
    expect(extended.data).to.include({ caseClockId: Number(resolution.id), timersMoved: 1 });

    // The old deadline and the timer's old time pass: no case breach and no 督办; at the new time both come.
    t.clock.set(new Date(Date.parse('2026-03-10T10:00:00Z') + MINUTE));
    await t.app.scheduler.runOnce();
    await sweepSla(t.app.ctx);
    expect((await breachesOf(c.id)).filter((b) => b.clock_kind === 'resolution')).to.have.length(0);
    expect(await openElements(t, c.id)).to.deep.equal(['resolve']);
    t.clock.set(new Date(Date.parse(newDue) + MINUTE));
    await t.app.scheduler.runOnce();
    await sweepSla(t.app.ctx);
    expect(await openElements(t, c.id)).to.deep.equal(['resolve', 'supervise']);
    expect((await breachesOf(c.id)).filter((b) => b.clock_kind === 'resolution')).to.have.length(1);
  });

  it('b. given a pending 延期审批, when the case closes (reply + evaluation, or 不予受理), then the approval is cancelled and leaves the leaders\' list', async () => {
    const { c, resolve } = await resolving();
    const review = await requestExtension(resolve.id, '2026-03-12T10:00:00.000Z');
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已修复' });
    await complete(t, c.id, 'evaluate', 'yuquan.dispatcher', { score: 5 });
    expect((await t.db.knex('tasks').where({ id: review }).first()).status).to.equal('cancelled');
    const list = await t.call('GET', '/api/v1/tasks?kind=extension_review&region=yuquan', { as: 'yuquan.leader' });
    expect(list.body.items.map((x: { id: number }) => x.id)).to.not.include(review);

    const other = await resolving();
    const review2 = await requestExtension(other.resolve.id, '2026-03-12T10:00:00.000Z');
    const refused = await t.call('POST', `/api/v1/cases/${other.c.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '不属于受理范围', legalRoute: '诉讼' } });
    expect(refused.status, refused.text).to.equal(200);
    expect((await t.db.knex('tasks').where({ id: review2 }).first()).status).to.equal('cancelled');
    expect(await running(other.c.id).then((r) => r.filter((k) => k.task_id))).to.have.length(0);
  });

  it('c. given an unsatisfied case reopened (重办), then it has new case clocks from the reopen time and both evaluations stay in the raw metrics; the rate counts the latest', async () => {
    const c = await closedUnsatisfied();
    t.clock.set('2026-03-10T02:00:00Z');
    const reopened = await t.call('POST', `/api/v1/cases/${c.id}/reopen`, { as: 'yuquan.dispatcher', body: { reason: '群众反映未修好' } });
    expect(reopened.status, reopened.text).to.equal(200);
    const fresh = (await running(c.id)).filter((k) => !k.task_id);
    expect(fresh.map((k) => k.kind).sort()).to.deep.equal(['resolution', 'response']);
    for (const k of fresh) expect(k.started_at.toISOString()).to.equal('2026-03-10T02:00:00.000Z');
    expect(fresh.find((k) => k.kind === 'resolution').due_at.toISOString()).to.equal('2026-03-17T10:00:00.000Z'); // 5 working days

    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已更换' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已更换' });
    await complete(t, c.id, 'evaluate', 'yuquan.dispatcher', { score: 5 });
    const m = await t.call('GET', `/api/v1/metrics?region=yuquan&from=2026-03-02&to=2026-03-03&raw=true&category=road`, { as: 'yuquan.auditor' });
    expect(m.status, m.text).to.equal(200);
    const mine = m.body.evaluations.filter((e: { caseId: number }) => e.caseId === c.id);
    expect(mine.map((e: { score: number }) => e.score)).to.deep.equal([1, 5]);
    const own = await t.call('GET', `/api/v1/metrics?region=yuquan&from=2026-03-02&to=2026-03-03&category=road`, { as: 'yuquan.auditor' });
    expect(own.body.counts.evaluated).to.equal(own.body.counts.received === 0 ? 0 : new Set(m.body.evaluations.map((e: { caseId: number }) => e.caseId)).size);
  });

  it('d. given a case merged (并单) into an open parent, then its own clocks stop and it records no response breach while the parent is open', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const parent = await submit(t, { region: 'yuquan', category: 'road' });
    const child = await submit(t, { region: 'yuquan', category: 'road' });
    const merged = await t.call('POST', `/api/v1/cases/${child.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: parent.id } });
    expect(merged.status, merged.text).to.equal(200);
    expect(await running(child.id)).to.have.length(0);
    t.clock.set('2026-03-04T02:00:00Z'); // past the one-working-day response limit
    await sweepSla(t.app.ctx);
    expect(await breachesOf(child.id)).to.have.length(0);
    expect((await breachesOf(parent.id)).map((b) => b.clock_kind)).to.include('response');
  });

  it('d. given a merged case, when its parent is replied, then its citizen reads the parent\'s reply (tracking, Open311) and may evaluate it', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const parent = await submit(t, { region: 'yuquan', category: 'road' });
    const child = (await submit(t, { region: 'yuquan', category: 'road' })) as { id: number; caseNo: string; trackingCode: string };
    expect((await t.call('POST', `/api/v1/cases/${child.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: parent.id } })).status).to.equal(200);
    await complete(t, parent.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    await complete(t, parent.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, parent.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    await complete(t, parent.id, 'reply', 'yuquan.handler', { replyText: '路灯已修复' });

    const track = await t.call('GET', `/api/v1/track/${child.caseNo}?code=${child.trackingCode}`);
    expect(track.status, track.text).to.equal(200);
    expect(track.body.reply?.text).to.equal('路灯已修复');
    expect(track.body.canEvaluate).to.equal(true);
    const open311 = await t.call('GET', `/open311/v2/requests/${child.caseNo}.json?jurisdiction_id=yuquan`);
    expect(open311.status, open311.text).to.equal(200);
    expect(open311.body[0].status_notes).to.equal('路灯已修复');

    const rated = await t.call('POST', `/api/v1/track/${child.caseNo}/evaluation`, { body: { code: child.trackingCode, score: 4, comment: '满意' } });
    expect(rated.status, rated.text).to.equal(201);
    const evaluations = await t.db.knex('tasks').where({ case_id: child.id, element_id: 'evaluate', status: 'completed' });
    expect(evaluations.map((e) => e.outcome.score)).to.deep.equal([4]);
    const again = await t.call('POST', `/api/v1/track/${child.caseNo}/evaluation`, { body: { code: child.trackingCode, score: 5 } });
    expect(again.status).to.equal(409);
  });

  it('e. given a verify task returned (退单) and redispatched (改派), then one verify clock runs and no breach is held against the returning unit', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    const verify = await openTask(t, c.id, 'verify');
    const ret = await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'yuquan.handler', body: { reason: '不属于我单位职责' } });
    expect(ret.status, ret.text).to.equal(201);
    await complete(t, c.id, 'return_review', 'yuquan.dispatcher', { decision: 'redispatch', department: 'housing' });
    const verifyClocks = (await running(c.id)).filter((k) => k.element_id === 'verify');
    expect(verifyClocks).to.have.length(1);
    t.clock.set('2026-03-04T02:00:00Z');
    await sweepSla(t.app.ctx);
    const against = (await breachesOf(c.id)).filter((b) => b.responsible_group === 'city-management');
    expect(against).to.have.length(0);
  });

  it('e. given a 东胜区 facility case returned by the property office, when it is redispatched (改派) to housing, then housing gets the verify task', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const c = await submit(t, { region: 'dongsheng', category: 'facility' });
    const verify = await openTask(t, c.id, 'verifyProperty');
    const ret = await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'dongsheng.handler', body: { reason: '不属于物业职责' } });
    expect(ret.status, ret.text).to.equal(201);
    await complete(t, c.id, 'return_review', 'dongsheng.dispatcher', { decision: 'redispatch', department: 'housing' });
    const now = await openTask(t, c.id, 'verify');
    expect(now.candidateGroups).to.deep.equal(['housing']);
  });

  it('f. given a case whose response clock breached, then 只看超期 lists its open tasks and each row says the case is late', async () => {
    t.clock.set('2026-03-02T01:00:00Z');
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    t.clock.set('2026-03-03T10:30:00Z'); // response due Tuesday 18:00; verify (1 working day) not yet
    await sweepSla(t.app.ctx);
    const list = await t.call('GET', `/api/v1/tasks?overdue=true&caseId=${c.id}`, { as: 'yuquan.dispatcher' });
    expect(list.status, list.text).to.equal(200);
    expect(list.body.items.map((x: { elementId: string }) => x.elementId)).to.deep.equal(['verify']);
    expect(list.body.items[0]).to.include({ caseOverdue: true });
  });

  it('g. given a task whose own limit runs past the case deadline, then its due time is capped at the case resolution deadline', async () => {
    const { c } = await resolving();
    const deadline = (await clocksOf(c.id)).find((k) => k.kind === 'resolution').due_at.getTime();
    t.clock.set('2026-03-09T09:00:00Z'); // Monday 17:00: reply would be due Tuesday 18:00
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    const reply = await openTask(t, c.id, 'reply');
    expect(Date.parse(reply.dueAt)).to.equal(deadline);
    const clock = (await running(c.id)).find((k) => k.element_id === 'reply');
    expect(clock.due_at.getTime()).to.equal(deadline);
  });

  it('i. given a case taken in at 04:00 China time (still yesterday in UTC), then date-only filters read the region\'s day, a date-only `to` includes it, and CSV names carry the local date', async () => {
    t.clock.set('2026-03-15T20:00:00Z'); // Monday 16 March 04:00 in Beijing
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const m = await t.call('GET', '/api/v1/metrics?region=yuquan&from=2026-03-16&to=2026-03-16&raw=true', { as: 'yuquan.auditor' });
    expect(m.status, m.text).to.equal(200);
    expect(m.body.counts.received).to.equal(1);
    expect(m.body.period).to.include({ from: '2026-03-15T16:00:00.000Z', to: '2026-03-16T16:00:00.000Z' });
    t.clock.set('2026-03-16T20:00:00Z'); // its dispatch clock is long past: a breach due on the 16th
    await sweepSla(t.app.ctx);
    const breaches = await t.call('GET', '/api/v1/sla/breaches?region=yuquan&from=2026-03-16&to=2026-03-16', { as: 'yuquan.auditor' });
    expect(breaches.body.items.map((b: { caseId: number }) => b.caseId)).to.include(c.id);
    const csv = await t.call('GET', '/api/v1/sla/breaches?region=yuquan&format=csv', { as: 'yuquan.auditor' });
    expect(csv.headers.get('content-disposition')).to.contain('sla-breach-yuquan-2026-03-17.csv');

    // In a region six hours ahead of UTC (Asia/Urumqi) the 16th runs from 18:00Z to 18:00Z; the file is still named by its local date.
    await t.db.knex('regions').where({ id: 'yuquan' }).update({ time_zone: 'Asia/Urumqi' });
    try {
      const urumqi = await t.call('GET', '/api/v1/metrics?region=yuquan&from=2026-03-16&to=2026-03-16', { as: 'yuquan.auditor' });
      expect(urumqi.body.period).to.include({ from: '2026-03-15T18:00:00.000Z', to: '2026-03-16T18:00:00.000Z' });
      expect(urumqi.body.counts.received).to.equal(1);
      const named = await t.call('GET', '/api/v1/sla/breaches?region=yuquan&format=csv', { as: 'yuquan.auditor' });
      expect(named.headers.get('content-disposition')).to.contain('sla-breach-yuquan-2026-03-17.csv');
    } finally {
      await t.db.knex('regions').where({ id: 'yuquan' }).update({ time_zone: 'Asia/Shanghai' });
    }
  });

  it('h. given a dispatch task taken in at 01:28 at night, then its 2 working hours count from the next opening (09:00), not to 03:28', async () => {
    t.clock.set('2026-03-02T17:28:00Z'); // Tuesday 3 March 01:28 China time
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const dispatch = await openTask(t, c.id, 'dispatch');
    expect(dispatch.dueAt).to.equal('2026-03-03T02:30:00.000Z'); // 10:30: two hours after yuquan's 08:30 opening
  });
});
