import { expect } from 'chai';
import { HOUR } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, openTask, submit } from '../../support/cases.ts';

describe('task list filters, assignment and forms', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    await submit(t, { region: 'hongshan', category: 'road', urgency: 'emergency', title: '井盖丢失' });
    await submit(t, { region: 'hongshan', category: 'noise', title: '夜间施工噪音' });
    const c = await submit(t, { region: 'hongshan', category: 'water', title: '水管爆裂' });
    await complete(t, c.id, 'dispatch', 'hongshan.dispatcher', { department: 'water-utility' });
  });
  after(async () => t?.close());

  const list = (query: string, as = 'hongshan.dispatcher') => t.call('GET', `/api/v1/tasks?${query}`, { as });

  it('filters by category, urgency, text, group, unassigned, overdue, due before; sorts; pages with a total', async () => {
    expect((await list('category=noise')).body.items.map((x: { caseTitle: string }) => x.caseTitle)).to.deep.equal(['夜间施工噪音']);
    expect((await list('urgency=emergency')).body.total).to.equal(1);
    expect((await list('q=水管')).body.items[0].caseTitle).to.equal('水管爆裂');
    expect((await list('group=water-utility')).body.total).to.equal(1);
    expect((await list('unassigned=true')).body.total).to.equal(3);
    const page = await list('limit=2&offset=0&sort=due');
    expect(page.body).to.include({ total: 3, limit: 2, offset: 0 });
    expect(page.body.items).to.have.length(2);
    expect(page.body.items[0].caseTitle).to.equal('井盖丢失'); // emergency: due first
    // The total is right however it is found: a short last page (from its rows), past the end (counted), a text search (counted beside the page).
    expect((await list('limit=2&offset=2&sort=due')).body).to.deep.include({ total: 3, offset: 2 });
    const past = await list('limit=2&offset=10');
    expect(past.body.total).to.equal(3);
    expect(past.body.items).to.deep.equal([]);
    expect((await list('q=水管&limit=1')).body.total).to.equal(1);
    const byCreated = await list('sort=-created');
    expect(byCreated.body.items[0].caseTitle).to.equal('水管爆裂');
    expect((await list(`dueBefore=${new Date(t.clock.now().getTime() + HOUR).toISOString()}`)).body.total).to.equal(1);
    expect((await list('overdue=true')).body.total).to.equal(0);
    t.clock.advance(3 * HOUR);
    expect((await list('overdue=true')).body.total).to.be.greaterThan(0);
    const bad = await list('sort=sideways');
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details.fields[0].field).to.equal('sort');
  });

  it('mine and my groups; a handler sees only tasks of their groups', async () => {
    const c = await submit(t, { region: 'hongshan', category: 'road', title: '分配测试' });
    const dispatch = await openTask(t, c.id, 'dispatch');
    const assign = await t.call('POST', `/api/v1/tasks/${dispatch.id}/assign`, { as: 'hongshan.leader', body: { username: 'hongshan.dispatcher' } });
    expect(assign.status, assign.text).to.equal(200);
    const mine = await list('mine=true');
    expect(mine.body.items.map((x: { id: number }) => x.id)).to.deep.equal([dispatch.id]);
    const byHandler = await t.call('POST', `/api/v1/tasks/${dispatch.id}/assign`, { as: 'hongshan.handler', body: { username: 'hongshan.handler' } });
    expect(byHandler.status).to.equal(403);
    const handlerList = await list('', 'hongshan.handler');
    expect(handlerList.body.items.every((x: { candidateGroups: string[] }) => !x.candidateGroups.includes('dispatchers'))).to.equal(true);
    const groups = await list('myGroups=true', 'hongshan.leader');
    expect(groups.body.total).to.equal(0);
  });

  it('serves the form with the task and 422 names each bad field', async () => {
    const c = await submit(t, { region: 'hongshan', category: 'road', title: '表单测试' });
    const dispatch = await openTask(t, c.id, 'dispatch');
    const one = await t.call('GET', `/api/v1/tasks/${dispatch.id}`, { as: 'hongshan.dispatcher' });
    expect(one.status, one.text).to.equal(200);
    const dept = one.body.form.fields.find((f: { id: string }) => f.id === 'department');
    expect(dept).to.include({ type: 'unit', required: true }); // the region's units, from the directory
    expect(dept.values.length).to.be.greaterThan(3);
    expect(one.body.case.title).to.equal('表单测试');
    const res = await t.call('POST', `/api/v1/tasks/${dispatch.id}/complete`, { as: 'hongshan.dispatcher', body: { variables: { dispatchNote: 5, extra: 1 } } });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('form_invalid');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).to.deep.equal(['department', 'dispatchNote', 'extra']);
  });
});
