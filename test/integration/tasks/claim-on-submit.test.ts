import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

describe('签收 on submit: completing an unheld task signs for it in the same step', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('a handler completing an unclaimed task becomes its assignee, with task.claimed before task.completed', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.assignee).to.equal(null);
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const d = await caseDetail(t, c.id);
    const done = d.tasks.find((x: { id: number }) => x.id === verify.id);
    expect(done).to.include({ assignee: 'yuquan.handler', completedBy: 'yuquan.handler' });
    expect(done.claimedAt).to.be.a('string');
    const types = d.timeline.filter((e: { data: { taskId?: number } }) => e.data?.taskId === verify.id).map((e: { type: string }) => e.type);
    expect(types.slice(-2)).to.deep.equal(['task.claimed', 'task.completed']);
  });

  it('a task another handler holds stays theirs: 403, and a form error claims nothing', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    const verify = await openTask(t, c.id, 'verify');
    const bad = await t.call('POST', `/api/v1/tasks/${verify.id}/complete`, { as: 'yuquan.handler', body: { variables: {} } });
    expect(bad.status).to.equal(422);
    expect((await openTask(t, c.id, 'verify')).assignee).to.equal(null);
    const assign = await t.call('POST', `/api/v1/tasks/${verify.id}/assign`, { as: 'yuquan.leader', body: { username: 'yuquan.leader' } });
    expect(assign.status, assign.text).to.equal(200);
    const res = await t.call('POST', `/api/v1/tasks/${verify.id}/complete`, { as: 'yuquan.handler', body: { variables: { valid: true, finding: 'x' } } });
    expect(res.status).to.equal(403);
  });
});
