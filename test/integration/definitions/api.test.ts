import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { validProcess } from '../../support/bpmn-samples.ts';

describe('definitions API: deploy, list, source, rights', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ processesDir: null });
  });
  after(async () => t?.close());

  const deploy = (region: string, xml: string, as: string | null = 'admin') =>
    t.call('POST', '/api/v1/definitions', { as: as ?? undefined, body: { region, xml } });

  it('given a designer of 赛罕区, when the same key is deployed twice, then versions count 1, 2 per region and key', async () => {
    const v1 = await deploy('saihan', validProcess('api-test', 'First'), 'saihan.designer');
    expect(v1.status, v1.text).to.equal(201);
    expect(v1.body).to.include({ region: 'saihan', key: 'api-test', version: 1, deployedBy: 'saihan.designer', origin: 'api' });
    const v2 = await deploy('saihan', validProcess('api-test', 'Second'), 'saihan.designer');
    expect(v2.status, v2.text).to.equal(201);
    expect(v2.body.version).to.equal(2);

    // Another region and another key each start again at 1.
    expect((await deploy('yuquan', validProcess('api-test'))).body.version).to.equal(1);
    expect((await deploy('saihan', validProcess('other-key'), 'saihan.designer')).body.version).to.equal(1);
  });

  it('given deployed versions, when listed with ?region=, then that region (and default) is listed, newest version first', async () => {
    const res = await t.call('GET', '/api/v1/definitions?region=saihan', { as: 'saihan.designer' });
    expect(res.status, res.text).to.equal(200);
    const ours = res.body.items.filter((d: { key: string }) => d.key === 'api-test');
    expect(ours.map((d: { region: string; version: number }) => `${d.region}:${d.version}`)).to.deep.equal(['saihan:2', 'saihan:1']);
    expect(res.body.items.every((d: { region: string }) => d.region === 'saihan' || d.region === 'default')).to.equal(true);
  });

  it('given a deployed version, when its XML is fetched, then exactly the deployed source comes back', async () => {
    const xml = validProcess('source-test', '原文');
    const created = await deploy('saihan', xml, 'saihan.designer');
    const res = await t.call('GET', `/api/v1/definitions/${created.body.id}/xml`, { as: 'saihan.designer' });
    expect(res.status).to.equal(200);
    expect(res.text).to.equal(xml);
  });

  it('given a handler, when deploying, then 403 and nothing is written', async () => {
    const before = await t.db.knex('definitions').count<{ n: number }[]>('* as n').first();
    const res = await deploy('saihan', validProcess('rights'), 'saihan.handler');
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('forbidden');
    expect((await t.db.knex('definitions').count<{ n: number }[]>('* as n').first())!.n).to.equal(before!.n);
  });

  it('given a designer of 赛罕区, when deploying to 玉泉区, then 403', async () => {
    const res = await deploy('yuquan', validProcess('rights'), 'saihan.designer');
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('forbidden');
    expect(await t.db.knex('definitions').where({ key: 'rights' })).to.have.length(0);
  });

  it('given no login, when deploying or listing, then 401', async () => {
    const res = await deploy('saihan', validProcess('rights'), null);
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
    expect((await t.call('GET', '/api/v1/definitions?region=saihan')).status).to.equal(401);
    expect(await t.db.knex('definitions').where({ key: 'rights' })).to.have.length(0);
  });

  it('given an unknown id, when its XML is fetched, then 404 with an error body', async () => {
    const res = await t.call('GET', '/api/v1/definitions/999999/xml', { as: 'admin' });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('not_found');
  });
});
