import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

/** A handler of these units only, in 扎赉特旗. */
async function handler(t: TestApp, username: string, groups: string[]) {
  const res = await t.call('POST', '/api/v1/users', { as: 'admin', body: { username, password: 'demo-password', displayName: username, role: 'handler', region: 'zhalaite', groups } });
  expect(res.status, res.text).to.equal(201);
  await t.db.knex('users').where({ username }).update({ password_hash: (await t.db.knex('users').where({ username: 'zhalaite.handler' }).first('password_hash')).password_hash });
}

describe('二级派单: POST /tasks/:id/forward to a sub-unit', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    await handler(t, 'town.handler', ['yinder-town']);
    await handler(t, 'community.handler', ['jiefang-community']);
    await handler(t, 'bureau.handler', ['city-management']);
  });
  after(async () => t?.close());

  /** A 扎赉特旗 water case dispatched to 音德尔镇, at its verify step. */
  async function atTown() {
    const c = await submit(t, { region: 'zhalaite', category: 'water' });
    await complete(t, c.id, 'dispatch', 'zhalaite.dispatcher', { department: 'yinder-town' });
    return { c, verify: await openTask(t, c.id, 'verify') };
  }

  it('given a task of 音德尔镇, when its handler forwards it to 解放社区, then the same task (due time, one SLA clock) is the community\'s, the timeline says so, and later steps reach the community', async () => {
    const { c, verify } = await atTown();
    expect(verify.candidateGroups).to.deep.equal(['yinder-town']);
    const read = await t.call('GET', `/api/v1/tasks/${verify.id}`, { as: 'town.handler' });
    expect(read.body.forwardTo.map((u: { id: string }) => u.id)).to.deep.equal(['jiefang-community', 'jiefang-property']);
    const clocksBefore = await t.db.knex('sla_clocks').where({ task_id: verify.id }).select('id', 'due_at');
    expect(clocksBefore).to.have.length(1);

    const res = await t.call('POST', `/api/v1/tasks/${verify.id}/forward`, { as: 'town.handler', body: { unit: 'jiefang-community', note: '请社区上门核实' } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({ from: 'yinder-town', to: 'jiefang-community' });

    const moved = await openTask(t, c.id, 'verify');
    expect(moved.id).to.equal(verify.id);
    expect(moved.candidateGroups).to.deep.equal(['jiefang-community']);
    expect(moved.dueAt).to.equal(verify.dueAt);
    const clocksAfter = await t.db.knex('sla_clocks').where({ case_id: c.id, kind: 'task' }).whereNull('stopped_at').select('id', 'task_id', 'due_at');
    // One clock, the same row: it follows the task to the community (breaches name the task's groups then).
    expect(clocksAfter).to.have.length(1);
    expect(clocksAfter[0]).to.deep.include({ id: clocksBefore[0].id, due_at: clocksBefore[0].due_at });
    expect(Number(clocksAfter[0].task_id)).to.equal(Number(verify.id));

    const detail = await caseDetail(t, c.id);
    const event = detail.timeline.find((e: { type: string }) => e.type === 'task.forwarded');
    expect(event).to.deep.include({ actor: 'town.handler', type: 'task.forwarded' });
    expect(event.data).to.deep.include({ taskId: verify.id, from: 'yinder-town', to: 'jiefang-community', note: '请社区上门核实' });
    expect(detail.unitNames).to.deep.include({ 'yinder-town': '音德尔镇', 'jiefang-community': '解放社区' });

    // The town's handler no longer works it, but still reads the case; the community's handler works it.
    const townTry = await t.call('POST', `/api/v1/tasks/${verify.id}/complete`, { as: 'town.handler', body: { variables: { valid: true, finding: '属实' } } });
    expect(townTry.status).to.equal(403);
    expect((await t.call('GET', `/api/v1/cases/${c.id}`, { as: 'town.handler' })).status).to.equal(200);
    const cases = await t.call('GET', '/api/v1/cases?region=zhalaite', { as: 'town.handler' });
    expect(cases.body.items.map((x: { id: number }) => x.id)).to.include(c.id);
    await complete(t, c.id, 'verify', 'community.handler', { valid: true, finding: '属实' });
    const resolve = await openTask(t, c.id, 'resolve');
    expect(resolve.candidateGroups).to.deep.equal(['jiefang-community']);
    await complete(t, c.id, 'resolve', 'community.handler', { resolution: '已修复' });
    expect((await openTask(t, c.id, 'reply')).candidateGroups).to.deep.equal(['jiefang-community']);
    const stopped = await t.db.knex('sla_clocks').where({ task_id: verify.id }).select('stop_reason');
    expect(stopped).to.deep.equal([{ stop_reason: 'completed' }]);
  });

  it('given a forwarded case, when the community forwards on to its property company, then later steps follow the chain to the company', async () => {
    const { c, verify } = await atTown();
    expect((await t.call('POST', `/api/v1/tasks/${verify.id}/forward`, { as: 'town.handler', body: { unit: 'jiefang-community' } })).status).to.equal(200);
    expect((await t.call('POST', `/api/v1/tasks/${verify.id}/forward`, { as: 'community.handler', body: { unit: 'jiefang-property' } })).status).to.equal(200);
    await complete(t, c.id, 'verify', 'zhalaite.handler', { valid: true, finding: '属实' });
    expect((await openTask(t, c.id, 'resolve')).candidateGroups).to.deep.equal(['jiefang-property']);
  });

  it('given a task of 音德尔镇, when it is forwarded to a unit outside its subtree, then 422 unit_not_sub_unit and nothing changes', async () => {
    const { c, verify } = await atTown();
    for (const unit of ['city-management', 'yinder-town', 'no-such-unit']) {
      const res = await t.call('POST', `/api/v1/tasks/${verify.id}/forward`, { as: 'town.handler', body: { unit } });
      expect(res.status, unit).to.equal(422);
      expect(res.body.error.code).to.equal('unit_not_sub_unit');
    }
    expect((await openTask(t, c.id, 'verify')).candidateGroups).to.deep.equal(['yinder-town']);
    expect((await caseDetail(t, c.id)).timeline.map((e: { type: string }) => e.type)).to.not.include('task.forwarded');
  });

  it('given a task of 音德尔镇, when a handler of another unit tries to forward it, then 403', async () => {
    const { verify } = await atTown();
    const res = await t.call('POST', `/api/v1/tasks/${verify.id}/forward`, { as: 'bureau.handler', body: { unit: 'jiefang-community' } });
    expect(res.status).to.equal(403);
  });

  it('given a task of 音德尔镇, when the dispatcher forwards it, then it goes (dispatchers steer every task of the region)', async () => {
    const { verify } = await atTown();
    const res = await t.call('POST', `/api/v1/tasks/${verify.id}/forward`, { as: 'zhalaite.dispatcher', body: { unit: 'jiefang-property' } });
    expect(res.status, res.text).to.equal(200);
  });
});
