import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, openTask, submit } from '../../support/cases.ts';

/**
 * A handler (a unit's staff: a property company, a bureau) reads a case or task
 * only when it was given to their unit or to them, or they worked on it — the
 * region's other units' cases stay closed to them, in lists and by id.
 */
describe('handlers see only what their unit was given', function () {
  let t: TestApp;
  let caseId: number;
  let taskId: number;
  const outsider = 'yuquan.water';
  let token: string;
  const as = (method: string, path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  before(async () => {
    t = await startTestApp();
    await t.call('PUT', '/api/v1/groups/yuquan/water-company', { as: 'admin', body: { name: '自来水公司' } });
    const made = await t.call('POST', '/api/v1/users', {
      as: 'admin', body: { username: outsider, password: 'water-pass-01', displayName: '水务经办', role: 'handler', region: 'yuquan', groups: ['water-company'] },
    });
    expect(made.status, made.text).to.equal(201);
    const login = await t.call('POST', '/api/v1/auth/login', { body: { username: outsider, password: 'water-pass-01' } });
    token = login.body.token;
    caseId = (await submit(t, { region: 'yuquan', category: 'road', title: '城管的案件' })).id;
    await complete(t, caseId, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    taskId = (await openTask(t, caseId, 'verify')).id;
  });
  after(async () => t?.close());

  it('another unit\'s case and task: 403 by id, absent from the lists', async () => {
    expect((await as('GET', `/api/v1/cases/${caseId}`)).status).to.equal(403);
    expect((await as('GET', `/api/v1/tasks/${taskId}`)).status).to.equal(403);
    expect((await as('POST', `/api/v1/cases/${caseId}/comments`, { body: '看看' })).status).to.equal(403);
    const cases = await as('GET', '/api/v1/cases?region=yuquan');
    expect(cases.status).to.equal(200);
    expect(cases.body.items.map((c: { id: number }) => c.id)).to.not.include(caseId);
    const tasks = await as('GET', '/api/v1/tasks?region=yuquan');
    expect(tasks.body.items.map((x: { id: number }) => x.id)).to.not.include(taskId);
    // The city-management handler of the same region was given it.
    expect((await t.call('GET', `/api/v1/cases/${caseId}`, { as: 'yuquan.handler' })).status).to.equal(200);
  });

  it('once the task is given to them, they read it; after they worked it, they still do', async () => {
    const assigned = await t.call('POST', `/api/v1/tasks/${taskId}/assign`, { as: 'yuquan.dispatcher', body: { username: outsider } });
    expect(assigned.status, assigned.text).to.equal(200);
    expect((await as('GET', `/api/v1/tasks/${taskId}`)).status).to.equal(200);
    expect((await as('GET', `/api/v1/cases/${caseId}`)).status).to.equal(200);
    expect((await as('GET', '/api/v1/cases?region=yuquan')).body.items.map((c: { id: number }) => c.id)).to.include(caseId);
    const done = await as('POST', `/api/v1/tasks/${taskId}/complete`, { variables: { valid: true, finding: '现场属实' } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect((await as('GET', `/api/v1/tasks/${taskId}`)).status).to.equal(200);
    expect((await as('GET', `/api/v1/cases/${caseId}`)).status).to.equal(200);
  });
});
