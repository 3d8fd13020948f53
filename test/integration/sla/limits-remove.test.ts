import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';

describe('sla/limits: PUT with remove drops the region’s own rows, so the cell inherits again; both are on the change log', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const own = async () => ((await t.call('GET', '/api/v1/sla/limits/yuquan', { as: 'admin' })).body.limits as Array<{ region: string; category: string; urgency: string; response: string }>).filter((l) => l.region === 'yuquan');

  it('given a region’s own road limit, when the admin removes it, then only default’s row is left and the SLA cache answers with it', async () => {
    const set = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { limits: [{ category: 'road', urgency: 'urgent', response: '1wh', resolution: '1wd' }] } });
    expect(set.status, set.text).to.equal(200);
    expect((await own()).map((l) => `${l.category} ${l.urgency} ${l.response}`)).to.include('road urgent 1wh');
    expect(t.app.sla.cache.limitFor('yuquan', 'road', 'urgent').response).to.equal('1wh');

    const removed = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { remove: [{ category: 'road', urgency: 'urgent' }] } });
    expect(removed.status, removed.text).to.equal(200);
    expect((await own()).find((l) => l.category === 'road' && l.urgency === 'urgent')).to.equal(undefined);
    expect(t.app.sla.cache.limitFor('yuquan', 'road', 'urgent').region).to.equal('default');

    const log = (await t.call('GET', '/api/v1/regions/yuquan/changes?entity=sla_limits', { as: 'admin' })).body.items;
    expect(log).to.have.length(2);
  });

  it('refuses an empty body and a cell both set and removed', async () => {
    const empty = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: {} });
    expect(empty.status).to.equal(422);
    const both = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { limits: [{ category: 'road', urgency: 'normal', response: '1wh', resolution: '1wd' }], remove: [{ category: 'road', urgency: 'normal' }] } });
    expect(both.status).to.equal(422);
    expect(both.body.error.code).to.equal('limit_twice');
  });

  it('puts a catalogue import on the change log with the nodes that changed', async () => {
    const tree = (await t.call('GET', '/api/v1/regions/yuquan/catalogue')).body;
    const nodes = tree.nodes.map((n: { code: string; name: string }) => (n.code === 'CX' ? { ...n, name: '城乡建设管理' } : n));
    expect((await t.call('PUT', '/api/v1/regions/yuquan/catalogue', { as: 'admin', body: { nodes } })).status).to.equal(200);
    const log = (await t.call('GET', '/api/v1/regions/yuquan/changes?entity=catalogue', { as: 'admin' })).body.items;
    expect(log).to.have.length(1);
    const after = typeof log[0].after === 'string' ? JSON.parse(log[0].after) : log[0].after;
    expect(log[0]).to.include({ actor: 'admin', key: 'yuquan', before: null });
    expect(after.CX).to.include({ name: '城乡建设管理', parent: null });
  });
});
