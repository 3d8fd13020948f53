import { expect } from 'chai';
import { DAY, HOUR } from '../../../server/clock/index.ts';
import { verifyChain } from '../../../server/audit/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, openTask, submit } from '../../support/cases.ts';

const types = (d: { timeline: Array<{ type: string }> }) => d.timeline.map((e) => e.type);

describe('work order (工单) practice', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  async function dispatched(department = 'city-management', body: Record<string, unknown> = {}) {
    const c = await submit(t, { region: 'yuquan', category: 'road', ...body });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department });
    return c;
  }

  it('签收: a handler signs for the verify task; a second person cannot; unclaim gives it back', async () => {
    const c = await dispatched();
    const verify = await openTask(t, c.id, 'verify');
    const res = await t.call('POST', `/api/v1/tasks/${verify.id}/claim`, { as: 'yuquan.handler' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.assignee).to.equal('yuquan.handler');
    const again = await t.call('POST', `/api/v1/tasks/${verify.id}/claim`, { as: 'yuquan.leader' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('task_already_claimed');
    const un = await t.call('POST', `/api/v1/tasks/${verify.id}/unclaim`, { as: 'yuquan.handler' });
    expect(un.status, un.text).to.equal(200);
    const d = await caseDetail(t, c.id);
    expect(types(d)).to.include.members(['task.claimed', 'task.unclaimed']);
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('退单 → 改派: the unit returns with a reason, the dispatcher redispatches, the new unit gets 现场核实', async () => {
    const c = await dispatched('water-utility');
    const verify = await openTask(t, c.id, 'verify');
    const bad = await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'yuquan.handler', body: {} });
    expect(bad.status).to.equal(422);
    const ret = await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'yuquan.handler', body: { reason: '不属于供水管辖，属道路设施' } });
    expect(ret.status, ret.text).to.equal(201);
    const held = await t.call('POST', `/api/v1/tasks/${verify.id}/complete`, { as: 'yuquan.handler', body: { variables: { valid: true, finding: 'x' } } });
    expect(held.status).to.equal(409);
    expect(held.body.error.code).to.equal('task_on_hold');
    const review = await openTask(t, c.id, 'return_review');
    expect(review.candidateGroups).to.deep.equal(['dispatchers']);
    expect(review.form.fields.find((f: { id: string }) => f.id === 'department').values.map((v: { id: string }) => v.id)).to.include('city-management');
    const noDept = await t.call('POST', `/api/v1/tasks/${review.id}/complete`, { as: 'yuquan.dispatcher', body: { variables: { decision: 'redispatch' } } });
    expect(noDept.status).to.equal(422);
    expect(noDept.body.error.details.fields[0].field).to.equal('department');
    await complete(t, c.id, 'return_review', 'yuquan.dispatcher', { decision: 'redispatch', department: 'city-management', note: '改派城管' });
    const v2 = await openTask(t, c.id, 'verify');
    expect(v2.candidateGroups).to.deep.equal(['city-management']);
    const d = await caseDetail(t, c.id);
    expect(d.tasks.find((x: { id: number }) => x.id === verify.id).status).to.equal('cancelled');
    expect(types(d)).to.include.members(['task.returned', 'return.decided', 'process.restarted']);
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('退单 → 驳回: the dispatcher sends it back and the same task carries on', async () => {
    const c = await dispatched('community');
    const verify = await openTask(t, c.id, 'verify');
    await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'yuquan.handler', body: { reason: '不归我们' } });
    await complete(t, c.id, 'return_review', 'yuquan.dispatcher', { decision: 'back', note: '属社区职责' });
    const same = await openTask(t, c.id, 'verify');
    expect(same.id).to.equal(verify.id);
    expect(same.onHold).to.equal(false);
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    expect(await openElements(t, c.id)).to.deep.equal(['resolve']);
  });

  it('延期: asked before the deadline, approved by a leader with a new due date; too late → 409', async () => {
    const c = await dispatched();
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolve');
    const due = new Date(resolve.dueAt);
    const requested = new Date(due.getTime() + 3 * DAY).toISOString();
    const req = await t.call('POST', `/api/v1/tasks/${resolve.id}/extension`, { as: 'yuquan.handler', body: { reason: '需采购配件', requestedDue: requested } });
    expect(req.status, req.text).to.equal(201);
    const dup = await t.call('POST', `/api/v1/tasks/${resolve.id}/extension`, { as: 'yuquan.handler', body: { reason: '再次', requestedDue: requested } });
    expect(dup.body.error.code).to.equal('extension_pending');
    const review = await openTask(t, c.id, 'extension_review');
    expect(review.candidateGroups).to.deep.equal(['leaders']);
    const byHandler = await t.call('POST', `/api/v1/tasks/${review.id}/complete`, { as: 'yuquan.handler', body: { variables: { approved: true } } });
    expect(byHandler.status).to.equal(403);
    const newDue = new Date(due.getTime() + 2 * DAY).toISOString();
    await complete(t, c.id, 'extension_review', 'yuquan.leader', { approved: true, newDue });
    const after = await openTask(t, c.id, 'resolve');
    expect(new Date(after.dueAt).toISOString()).to.equal(newDue);
    const d = await caseDetail(t, c.id);
    const ext = d.timeline.find((e: { type: string }) => e.type === 'sla.extended');
    expect(ext.actor).to.equal('yuquan.leader');
    expect(ext.data).to.include({ to: newDue, from: due.toISOString(), reason: '需采购配件' });

    const c2 = await dispatched();
    await complete(t, c2.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const r2 = await openTask(t, c2.id, 'resolve');
    t.clock.advance(new Date(r2.dueAt).getTime() - t.clock.now().getTime() + HOUR);
    const late = await t.call('POST', `/api/v1/tasks/${r2.id}/extension`, { as: 'yuquan.handler', body: { reason: '晚了', requestedDue: new Date(t.clock.now().getTime() + 5 * DAY).toISOString() } });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('extension_too_late');
  });

  it('主办 + 协办: co-handler tasks open beside the lead; the reply waits for every opinion', async () => {
    const c = await dispatched('city-management');
    const add = await t.call('POST', `/api/v1/cases/${c.id}/co-handlers`, { as: 'yuquan.dispatcher', body: { groups: ['housing', 'water-utility'], note: '协同处理' } });
    expect(add.status, add.text).to.equal(201);
    expect(add.body.coHandlers).to.have.length(2);
    const unknown = await t.call('POST', `/api/v1/cases/${c.id}/co-handlers`, { as: 'yuquan.dispatcher', body: { groups: ['nope'] } });
    expect(unknown.status).to.equal(422);
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    const reply = await openTask(t, c.id, 'reply');
    const early = await t.call('POST', `/api/v1/tasks/${reply.id}/complete`, { as: 'yuquan.handler', body: { variables: { replyText: '已修复' } } });
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('cohandlers_pending');
    const d = await caseDetail(t, c.id);
    for (const task of d.openTasks.filter((x: { kind: string }) => x.kind === 'cohandle')) {
      const res = await t.call('POST', `/api/v1/tasks/${task.id}/complete`, { as: 'yuquan.handler', body: { variables: { opinion: '已配合' } } });
      expect(res.status, res.text).to.equal(200);
    }
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已修复' });
    expect(await openElements(t, c.id)).to.deep.equal(['evaluate']);
  });

  it('领导认领: a leader claims the case, visible on it; a second claim is 409; handlers may not', async () => {
    const c = await dispatched();
    const byHandler = await t.call('POST', `/api/v1/cases/${c.id}/claim`, { as: 'yuquan.handler', body: {} });
    expect(byHandler.status).to.equal(403);
    const res = await t.call('POST', `/api/v1/cases/${c.id}/claim`, { as: 'yuquan.leader', body: { note: '包案' } });
    expect(res.status, res.text).to.equal(200);
    const again = await t.call('POST', `/api/v1/cases/${c.id}/claim`, { as: 'admin', body: {} });
    expect(again.body.error.code).to.equal('case_already_claimed');
    const d = await caseDetail(t, c.id);
    expect(d.leaderClaim.by).to.equal('yuquan.leader');
    expect(types(d)).to.include('case.leader_claimed');
  });

  it('转110 and 不予受理 close at once: tasks cancelled, no wake-up, reason recorded', async () => {
    const c = await dispatched();
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    expect((await caseDetail(t, c.id)).nextWakeAt).to.not.equal(null);
    const res = await t.call('POST', `/api/v1/cases/${c.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '119', reason: '有明火' } });
    expect(res.status, res.text).to.equal(200);
    const d = await caseDetail(t, c.id);
    expect(d).to.include({ status: 'closed', closeKind: 'emergency', nextWakeAt: null });
    expect(d.openTasks).to.have.length(0);
    expect(d.closeReason).to.deep.equal({ to: '119', reason: '有明火' });
    expect(types(d)).to.include.members(['case.transferred', 'task.cancelled', 'case.closed']);
    const twice = await t.call('POST', `/api/v1/cases/${c.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '110', reason: 'x' } });
    expect(twice.status).to.equal(409);
    // Timers of the closed case never fire.
    t.clock.advance(30 * DAY);
    await t.app.scheduler.runOnce();
    expect((await caseDetail(t, c.id)).timeline.length).to.equal(d.timeline.length);

    const c2 = await submit(t, { region: 'yuquan', category: 'complaint' });
    const na = await t.call('POST', `/api/v1/cases/${c2.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '劳动争议', legalRoute: '请向劳动人事争议仲裁委员会申请仲裁' } });
    expect(na.status, na.text).to.equal(200);
    const d2 = await caseDetail(t, c2.id);
    expect(d2).to.include({ status: 'closed', closeKind: 'not_accepted' });
    expect(d2.openTasks).to.have.length(0);
    const byHandler = await t.call('POST', `/api/v1/cases/${c2.id}/transfer`, { as: 'yuquan.handler', body: { to: '110', reason: 'x' } });
    expect(byHandler.status).to.equal(403);
  });

  it('并单: a duplicate merged into a parent waits, and closes when the parent closes', async () => {
    const parent = await dispatched();
    const child = await submit(t, { region: 'yuquan', category: 'road', title: '同一路灯' });
    const self = await t.call('POST', `/api/v1/cases/${child.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: child.id } });
    expect(self.status).to.equal(422);
    const res = await t.call('POST', `/api/v1/cases/${child.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: parent.id, reason: '重复诉求' } });
    expect(res.status, res.text).to.equal(200);
    let dc = await caseDetail(t, child.id);
    expect(dc).to.include({ status: 'merged', parentCaseId: parent.id, nextWakeAt: null });
    expect(dc.openTasks).to.have.length(0);
    expect((await caseDetail(t, parent.id)).mergedCases.map((m: { id: number }) => m.id)).to.deep.equal([child.id]);
    await complete(t, parent.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, parent.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    await complete(t, parent.id, 'reply', 'yuquan.handler', { replyText: '已修复' });
    await complete(t, parent.id, 'evaluate', 'yuquan.dispatcher', { score: 5 });
    dc = await caseDetail(t, child.id);
    expect(dc.status).to.equal('closed');
    expect(dc.timeline.at(-1)).to.include({ type: 'case.closed' });
    expect((await verifyChain(t.db.knex, child.id)).intact).to.equal(true);
    expect((await verifyChain(t.db.knex, parent.id)).intact).to.equal(true);
  });

  it('重办: unsatisfied and reasonable → the closed case reopens at the same unit with a counter; a satisfied one cannot', async () => {
    const c = await dispatched('housing');
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已处理' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已处理' });
    const open = await t.call('POST', `/api/v1/cases/${c.id}/reopen`, { as: 'yuquan.dispatcher', body: { reason: 'x' } });
    expect(open.body.error.code).to.equal('reopen_not_allowed');
    await complete(t, c.id, 'evaluate', 'yuquan.dispatcher', { score: 1, comment: '根本没修' });
    const res = await t.call('POST', `/api/v1/cases/${c.id}/reopen`, { as: 'yuquan.dispatcher', body: { reason: '现场确认未修复' } });
    expect(res.status, res.text).to.equal(200);
    const d = await caseDetail(t, c.id);
    expect(d).to.include({ status: 'open', reopenCount: 1, closedAt: null });
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.candidateGroups).to.deep.equal(['housing']);
    expect(types(d)).to.include('case.reopened');
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);

    const happy = await dispatched();
    await complete(t, happy.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, happy.id, 'resolve', 'yuquan.handler', { resolution: '已处理' });
    await complete(t, happy.id, 'reply', 'yuquan.handler', { replyText: '已处理' });
    await complete(t, happy.id, 'evaluate', 'yuquan.dispatcher', { score: 5 });
    const no = await t.call('POST', `/api/v1/cases/${happy.id}/reopen`, { as: 'yuquan.dispatcher', body: { reason: 'x' } });
    expect(no.status).to.equal(409);
  });
});
