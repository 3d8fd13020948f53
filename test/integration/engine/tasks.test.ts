import { expect } from 'chai';
import { advanceLockedCase, lockCase } from '../../../server/cases/index.ts';
import { verifyChain } from '../../../server/audit/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

describe('engine: task completion is exactly-once and tasks are never duplicated', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const completeById = (id: number, variables: Record<string, unknown>, as = 'yuquan.dispatcher') =>
    t.call('POST', `/api/v1/tasks/${id}/complete`, { as, body: { variables } });

  it('given a completed task, when it is completed again, then 409 task_not_open and the case does not move', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const task = await openTask(t, c.id, 'dispatch');
    expect((await completeById(task.id, { department: 'community' })).status).to.equal(200);
    const before = await caseDetail(t, c.id);

    const again = await completeById(task.id, { department: 'housing' });
    expect(again.status, again.text).to.equal(409);
    expect(again.body.error.code).to.equal('task_not_open');
    const after = await caseDetail(t, c.id);
    expect(after.stateVersion).to.equal(before.stateVersion);
    expect(after.variables.department).to.equal('community');
    expect(after.timeline).to.have.length(before.timeline.length);
  });

  it('given one open task, when two completions race, then exactly one wins with 200, the other gets 409, and one task.completed is recorded', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'water' });
    const task = await openTask(t, c.id, 'dispatch');
    const results = await Promise.all([completeById(task.id, { department: 'water-utility' }), completeById(task.id, { department: 'housing' })]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join(' | ')).to.deep.equal([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).to.equal('task_not_open');

    const events = await t.db.knex('case_events').where({ case_id: c.id, type: 'task.completed' });
    expect(events).to.have.length(1);
    const winner = results.findIndex((r) => r.status === 200);
    expect(events[0].data.values.department).to.equal(winner === 0 ? 'water-utility' : 'housing');
    const verify = await t.db.knex('tasks').where({ case_id: c.id, element_id: 'verify' });
    expect(verify, 'verify opened once').to.have.length(1);
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('given a waiting case, when it is resumed many times (direct advances and scheduler claims), then each waiting task stays one row', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'noise', urgency: 'urgent' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'street-office' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    const rt = t.app.ctx.runtime;

    for (let i = 0; i < 5; i++) {
      await t.db.knex.transaction(async (trx) => advanceLockedCase(trx, rt, await lockCase(trx, c.id), { actor: 'system' }));
    }
    for (let i = 0; i < 5; i++) {
      // Make the case due so the scheduler claims and resumes it without any timer being due.
      await t.db.knex('cases').where({ id: c.id }).update({ next_wake_at: t.clock.now() });
      expect(await t.app.scheduler.runOnce()).to.equal(1);
    }

    const tasks = await t.db.knex('tasks').where({ case_id: c.id }).orderBy('id');
    expect(tasks.map((x: { element_id: string }) => x.element_id)).to.deep.equal(['dispatch', 'verify', 'resolve']);
    const perExecution = await t.db.knex('tasks').where({ case_id: c.id }).select('execution_id').count('* as n').groupBy('execution_id').having(t.db.knex.raw('count(*) > 1'));
    expect(perExecution).to.deep.equal([]);
    expect((await t.db.knex('case_events').where({ case_id: c.id, type: 'task.created' })).length).to.equal(3);
    expect(await t.db.knex('timer_firings').where({ case_id: c.id })).to.deep.equal([]);
    expect((await verifyChain(t.db.knex, c.id)).intact).to.equal(true);
  });

  it('given a form with several mistakes, when completed, then 422 names each field and nothing changes', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'community' });
    const task = await openTask(t, c.id, 'verify');
    const res = await completeById(task.id, { valid: 'maybe', finding: '', bogus: 1, executionId: 'x' }, 'yuquan.handler');
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.code).to.equal('form_invalid');
    const byField = Object.fromEntries(res.body.error.details.fields.map((f: { field: string; rule: string }) => [f.field, f.rule]));
    expect(byField).to.deep.equal({ valid: 'type', finding: 'required', bogus: 'unknown', executionId: 'reserved' });
    expect((await openTask(t, c.id, 'verify')).id).to.equal(task.id);
  });

  it('given an enum field, when a value outside it is sent, then 422 names that field', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road' });
    const task = await openTask(t, c.id, 'dispatch');
    const res = await completeById(task.id, { department: 'ministry-of-magic' });
    expect(res.status).to.equal(422);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).to.deep.equal(['department']);
  });
});
