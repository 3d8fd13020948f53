import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask } from '../../support/cases.ts';
import { verifyChain } from '../../../server/audit/index.ts';

/**
 * What a citizen reads on the tracking page (issue 13 item 5): the case number in any case,
 * 办理中 → 已答复 → 已办结, the unit's public name and the expected date, public steps only,
 * and a 不予受理 answer that can be rated like any reply.
 */
describe('tracking: public progress after each kind of closing', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const submit = async (title: string) => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'water', title, contact: { phone: '13800000000' } } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string; trackingCode: string };
  };
  const track = async (caseNo: string, code: string) => {
    const res = await t.call('GET', `/api/v1/track/${encodeURIComponent(caseNo)}?code=${code}`);
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };
  const keys = (p: { steps: Array<{ key: string }> }) => p.steps.map((s) => s.key);

  it('given a lower-case case number with spaces, then it is found; stages go 办理中 → 已答复 → 已办结 with the unit and the expected date', async () => {
    const c = await submit('停水');
    const typed = `  ${c.caseNo.toLowerCase()} `;
    let p = await track(typed, c.trackingCode.toLowerCase());
    expect(p).to.include({ caseNo: c.caseNo, stage: 'handling', unit: null });
    expect(keys(p)).to.deep.equal(['received']);

    if (await t.db.knex.schema.hasColumn('groups', 'public_name')) {
      await t.db.knex('groups').where({ region_id: 'saihan', code: 'water-utility' }).update({ public_name: '赛罕区供水服务中心' });
    }
    const group = await t.db.knex('groups').where({ region_id: 'saihan', code: 'water-utility' }).first();
    const publicName = group.public_name || group.name;
    await complete(t, c.id, 'dispatch', 'saihan.dispatcher', { department: 'water-utility' });
    const verify = await openTask(t, c.id, 'verify');
    // Internal work: 退单 and its review by the dispatcher, shown as one 办理中 step.
    const ret = await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'saihan.handler', body: { reason: '内部：不归我们管' } });
    expect(ret.status, ret.text).to.equal(201);
    await complete(t, c.id, 'return_review', 'saihan.dispatcher', { decision: 'back', note: '内部：属你单位职责' });
    await complete(t, c.id, 'verify', 'saihan.handler', { valid: true, finding: '属实' });
    await complete(t, c.id, 'resolve', 'saihan.handler', { resolution: '已修复' });
    p = await track(c.caseNo, c.trackingCode);
    expect(p.stage).to.equal('handling');
    expect(p.unit).to.equal(publicName);
    const clock = await t.db.knex('sla_clocks').where({ case_id: c.id, kind: 'resolution' }).first('due_at');
    expect(new Date(p.expectedAt).getTime()).to.equal(new Date(clock.due_at).getTime());
    expect(keys(p)).to.deep.equal(['received', 'done', 'handling', 'done', 'done']);
    expect(keys(p).filter((k: string) => k === 'handling')).to.have.length(1);
    const text = JSON.stringify(p);
    for (const secret of ['内部', '退单', 'return_review', 'water-utility', 'saihan.handler']) expect(text).to.not.include(secret);
    expect(p.steps.filter((s: { key: string }) => s.key === 'done').map((s: { name: string }) => s.name)).to.deep.equal(['派单', '现场核实', '办理']);

    await complete(t, c.id, 'reply', 'saihan.handler', { replyText: '已恢复供水' });
    p = await track(c.caseNo, c.trackingCode);
    expect(p).to.include({ stage: 'replied', canEvaluate: true });
    expect(p.reply.text).to.equal('已恢复供水');

    const ok = await t.call('POST', `/api/v1/track/${c.caseNo.toLowerCase()}/evaluation`, { body: { code: c.trackingCode, score: 5 } });
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body.caseNo).to.equal(c.caseNo);
    p = await track(c.caseNo, c.trackingCode);
    expect(p).to.include({ stage: 'closed', canEvaluate: false, expectedAt: null });
    expect(p.evaluation).to.deep.equal({ score: 5 });
    expect(keys(p).slice(-2)).to.deep.equal(['evaluated', 'closed']);
  });

  it('given the invalid path (核实无效 → 答复不予受理理由), then the answer reads 不予受理 and can be rated once, counted like any evaluation', async () => {
    const c = await submit('无效诉求');
    await complete(t, c.id, 'dispatch', 'saihan.dispatcher', { department: 'water-utility' });
    await complete(t, c.id, 'verify', 'saihan.handler', { valid: false, finding: '非本辖区' });
    await complete(t, c.id, 'replyInvalid', 'saihan.handler', { replyText: '该问题属供热公司，请致电 12345 转接' });
    let p = await track(c.caseNo, c.trackingCode);
    expect(p).to.include({ stage: 'not_accepted', status: 'closed', canEvaluate: true, evaluation: null });
    expect(p.reply.text).to.include('供热公司');
    const ok = await t.call('POST', `/api/v1/track/${c.caseNo}/evaluation`, { body: { code: c.trackingCode, score: 2, comment: '推来推去' } });
    expect(ok.status, ok.text).to.equal(201);
    const again = await t.call('POST', `/api/v1/track/${c.caseNo}/evaluation`, { body: { code: c.trackingCode, score: 5 } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('already_evaluated');
    p = await track(c.caseNo, c.trackingCode);
    expect(p).to.include({ canEvaluate: false });
    expect(p.evaluation).to.deep.equal({ score: 2 });
    const task = await t.db.knex('tasks').where({ case_id: c.id, element_id: 'evaluate' }).first();
    expect(task).to.include({ status: 'completed', completed_by: 'citizen' });
    expect(task.outcome).to.deep.equal({ score: 2, comment: '推来推去' });
    const d = await caseDetail(t, c.id);
    expect(d.timeline.at(-1)).to.deep.include({ type: 'task.completed', actor: 'citizen' });
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('given a case-level 不予受理, then the reason and legal route are the reply, and it can be rated', async () => {
    const c = await submit('劳动纠纷');
    const res = await t.call('POST', `/api/v1/cases/${c.id}/not-accepted`, { as: 'saihan.dispatcher', body: { reason: '属劳动争议', legalRoute: '劳动仲裁' } });
    expect(res.status, res.text).to.equal(200);
    let p = await track(c.caseNo, c.trackingCode);
    expect(p).to.include({ stage: 'not_accepted', canEvaluate: true });
    expect(p.reply.text).to.include('属劳动争议').and.include('劳动仲裁');
    expect(keys(p)).to.deep.equal(['received', 'not_accepted', 'closed']);
    const ok = await t.call('POST', `/api/v1/track/${c.caseNo}/evaluation`, { body: { code: c.trackingCode, score: 4 } });
    expect(ok.status, ok.text).to.equal(201);
    p = await track(c.caseNo, c.trackingCode);
    expect(p.evaluation).to.deep.equal({ score: 4 });
  });

  it('given 转办 or a case still open without a reply, then neither can be rated; a transfer reads 已转办', async () => {
    const c = await submit('火情');
    const res = await t.call('POST', `/api/v1/cases/${c.id}/transfer`, { as: 'saihan.dispatcher', body: { to: '119', reason: '火灾' } });
    expect(res.status, res.text).to.equal(200);
    const p = await track(c.caseNo, c.trackingCode);
    expect(p).to.include({ stage: 'transferred', canEvaluate: false });
    expect(p.steps.find((s: { key: string }) => s.key === 'transferred').detail).to.equal('119');
    const no = await t.call('POST', `/api/v1/track/${c.caseNo}/evaluation`, { body: { code: c.trackingCode, score: 4 } });
    expect(no.status).to.equal(409);
    expect(no.body.error.code).to.equal('evaluation_not_open');
  });

  it('given a 并单 case, then it reads 已并单 with the parent case number, and the parent\'s reply once given', async () => {
    const parent = await submit('停水（主单）');
    const child = await submit('停水（重复）');
    const res = await t.call('POST', `/api/v1/cases/${child.id}/merge`, { as: 'saihan.dispatcher', body: { parentId: parent.id } });
    expect(res.status, res.text).to.equal(200);
    let p = await track(child.caseNo, child.trackingCode);
    expect(p).to.include({ stage: 'merged', mergedInto: parent.caseNo, reply: null });
    await complete(t, parent.id, 'dispatch', 'saihan.dispatcher', { department: 'water-utility' });
    await complete(t, parent.id, 'verify', 'saihan.handler', { valid: true, finding: '属实' });
    await complete(t, parent.id, 'resolve', 'saihan.handler', { resolution: '已修复' });
    await complete(t, parent.id, 'reply', 'saihan.handler', { replyText: '主单已答复：恢复供水' });
    p = await track(child.caseNo, child.trackingCode);
    expect(p.stage).to.equal('merged');
    expect(p.reply.text).to.equal('主单已答复：恢复供水');
  });

  it('given a case number typed in lower case, then the auditor\'s hash check finds it, and another region\'s auditor is refused', async () => {
    const c = await submit('哈希校验');
    const res = await t.call('GET', `/api/v1/audit/cases/${c.caseNo.toLowerCase()}/verify`, { as: 'saihan.auditor' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ caseId: c.id, caseNo: c.caseNo, intact: true });
    const byId = await t.call('GET', `/api/v1/audit/cases/${c.id}/verify`, { as: 'saihan.auditor' });
    expect(byId.body.caseNo).to.equal(c.caseNo);
    const unknown = await t.call('GET', '/api/v1/audit/cases/ZZZ-20260101-9999/verify', { as: 'saihan.auditor' });
    expect(unknown.status).to.equal(404);
    const other = await t.call('GET', `/api/v1/audit/cases/${c.caseNo}/verify`, { as: 'yuquan.auditor' });
    expect(other.status).to.equal(404);
  });
});
