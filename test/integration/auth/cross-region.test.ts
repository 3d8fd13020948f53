import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask, submit } from '../../support/cases.ts';

/**
 * A user of 赛罕区 touches nothing of 玉泉区: every route that takes a case or
 * task id answers 404 (not even existence is confirmed), every route that names
 * a region answers 403, and neither leaks data nor changes anything.
 */
describe('regions: every cross-region attempt is refused without data', function () {
  let t: TestApp;
  let caseId: number;
  let caseNo: string;
  let taskId: number;
  let attachmentId: number;
  let otherCaseId: number;
  before(async () => {
    t = await startTestApp();
    const c = await submit(t, { region: 'yuquan', category: 'road', title: '玉泉区的案件', contact: { phone: '13800000000' } });
    caseId = c.id;
    caseNo = c.caseNo;
    await complete(t, caseId, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    taskId = (await openTask(t, caseId, 'verify')).id;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], { type: 'image/jpeg' }), 'a.jpg');
    const up = await fetch(`${t.url}/api/v1/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('yuquan.handler')}` }, body: form });
    attachmentId = ((await up.json()) as { id: number }).id;
    otherCaseId = (await submit(t, { region: 'saihan', category: 'road' })).id;
  });
  after(async () => t?.close());

  const byId: Array<[string, string, unknown?]> = [
    ['GET', '/api/v1/cases/:case'],
    ['GET', '/api/v1/cases/:case/attachments/:attachment'],
    ['POST', '/api/v1/cases/:case/comments', { body: 'peek' }],
    ['POST', '/api/v1/cases/:case/claim', {}],
    ['POST', '/api/v1/cases/:case/co-handlers', { groups: ['housing'] }],
    ['POST', '/api/v1/cases/:case/transfer', { to: '110', reason: 'x' }],
    ['POST', '/api/v1/cases/:case/not-accepted', { reason: 'x', legalRoute: 'y' }],
    ['POST', '/api/v1/cases/:case/merge', { parentId: 0 }],
    ['POST', '/api/v1/cases/:case/reopen', { reason: 'x' }],
    ['GET', '/api/v1/tasks/:task'],
    ['POST', '/api/v1/tasks/:task/claim'],
    ['POST', '/api/v1/tasks/:task/unclaim'],
    ['POST', '/api/v1/tasks/:task/assign', { username: 'saihan.handler' }],
    ['POST', '/api/v1/tasks/:task/complete', { variables: { valid: true, finding: 'x' } }],
    ['POST', '/api/v1/tasks/:task/return', { reason: 'not ours' }],
    ['POST', '/api/v1/tasks/:task/extension', { reason: 'later', requestedDue: '2030-01-01T00:00:00Z' }],
  ];

  for (const role of ['dispatcher', 'handler', 'leader', 'auditor']) {
    for (const [method, path, body] of byId) {
      it(`saihan.${role}: ${method} ${path} → 403/404, no data`, async () => {
        const url = path.replace(':case', String(caseId)).replace(':task', String(taskId)).replace(':attachment', String(attachmentId));
        const payload = body && typeof body === 'object' && 'parentId' in body ? { parentId: otherCaseId } : body;
        const res = await t.call(method, url, { as: `saihan.${role}`, body: method === 'POST' ? (payload ?? {}) : undefined });
        expect([403, 404], `${res.status} ${res.text}`).to.include(res.status);
        expect(res.body.error.code).to.be.oneOf(['not_found', 'forbidden']);
        expect(res.text).to.not.include('玉泉区的案件');
        expect(res.text).to.not.include('city-management');
      });
    }
  }

  it('merging a saihan case into a yuquan parent is 404 for the saihan dispatcher', async () => {
    const res = await t.call('POST', `/api/v1/cases/${otherCaseId}/merge`, { as: 'saihan.dispatcher', body: { parentId: caseId } });
    expect(res.status).to.equal(404);
  });

  it('assigning a yuquan task to a saihan user is refused even by the yuquan dispatcher', async () => {
    const res = await t.call('POST', `/api/v1/tasks/${taskId}/assign`, { as: 'yuquan.dispatcher', body: { username: 'saihan.handler' } });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('assignee_invalid');
  });

  it('lists filtered by another region are 403; unfiltered lists hold only the own region', async () => {
    for (const path of ['/api/v1/tasks?region=yuquan', '/api/v1/cases?region=yuquan', '/api/v1/users?region=yuquan', '/api/v1/groups?region=yuquan']) {
      const res = await t.call('GET', path, { as: 'saihan.dispatcher' });
      expect(res.status, path).to.equal(403);
    }
    const tasks = await t.call('GET', '/api/v1/tasks', { as: 'saihan.dispatcher' });
    expect(tasks.body.items.every((x: { region: string }) => x.region === 'saihan')).to.equal(true);
    const cases = await t.call('GET', '/api/v1/cases', { as: 'saihan.leader' });
    expect(cases.body.items.map((c: { id: number }) => c.id)).to.not.include(caseId);
    const byPhone = await t.call('GET', '/api/v1/cases?phone=13800000000', { as: 'saihan.dispatcher' });
    expect(byPhone.body.total).to.equal(0);
    const staff = await t.call('GET', '/api/v1/users', { as: 'saihan.dispatcher' });
    expect(staff.body.items.every((u: { region: string }) => u.region === 'saihan')).to.equal(true);
  });

  it('submitting for another region as staff is 403; the yuquan case is untouched by all of the above', async () => {
    const res = await t.call('POST', '/api/v1/cases', { as: 'saihan.dispatcher', body: { region: 'yuquan', category: 'road', title: 'x' } });
    expect(res.status).to.equal(403);
    const d = await caseDetail(t, caseId);
    expect(d.status).to.equal('open');
    expect(d.comments).to.have.length(0);
    expect(d.leaderClaim).to.equal(null);
    expect(d.openTasks.map((x: { elementId: string }) => x.elementId)).to.deep.equal(['verify']);
    expect(d.openTasks[0].assignee).to.equal(null);
    expect(d.timeline.every((e: { actor: string }) => !e.actor.startsWith('saihan.'))).to.equal(true);
  });

  it('a tracking code of one case does not open another', async () => {
    const other = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'road', title: 'x' } });
    const res = await t.call('GET', `/api/v1/track/${caseNo}?code=${other.body.trackingCode}`);
    expect(res.status).to.equal(404);
  });
});
