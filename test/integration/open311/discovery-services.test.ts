import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { MESSAGES } from '../../../modeler/src/i18n/messages.ts';
import { asXmlText, expectError, expectSchema, open311, readXml } from './open311.ts';

/** The leaves of the default request catalogue, in tree order (migrations/20261202100000_catalogue.ts). */
const DEFAULT_LEAVES = ['road', 'facility', 'sanitation', 'noise', 'water', 'veterans', 'consult', 'complaint', 'other'];

describe('open311: discovery and services (GeoReport v2)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('discovery in JSON and XML: the same contact, changeset and endpoint, XML among the formats', async () => {
    const json = await open311(t, 'GET', '/discovery.json');
    expect(json.status, json.text).to.equal(200);
    expect(json.type).to.match(/^application\/json; charset=utf-8/);
    expectSchema('discovery', json.body);
    const [endpoint] = json.body.endpoints;
    expect(endpoint.url).to.equal(`${t.url}/open311/v2`);
    expect(endpoint.specification).to.equal('http://wiki.open311.org/GeoReport_v2');
    expect(endpoint.formats).to.include.members(['text/xml', 'application/json']);
    expect(new Date(json.body.changeset).getTime()).to.be.lessThan(t.clock.now().getTime() + 1);

    const xml = await open311(t, 'GET', '/discovery.xml');
    expect(xml.status).to.equal(200);
    expect(xml.type).to.match(/^text\/xml; charset=utf-8/);
    const d = readXml(xml.text, 'discovery');
    expect(d.contact).to.equal(json.body.contact);
    expect(d.changeset).to.equal(json.body.changeset);
    expect(d.key_service).to.equal(json.body.key_service);
    expect(d.endpoints.endpoint[0].url).to.equal(endpoint.url);
    expect(d.endpoints.endpoint[0].formats.format).to.deep.equal(endpoint.formats);
  });

  it('services: every category with its Chinese name, in JSON and XML alike (XML read back equals JSON)', async () => {
    const json = await open311(t, 'GET', '/services.json?jurisdiction_id=yuquan');
    expect(json.status, json.text).to.equal(200);
    expectSchema('services', json.body);
    expect(json.body.map((s: { service_code: string }) => s.service_code)).to.deep.equal(DEFAULT_LEAVES);
    for (const s of json.body) {
      expect(s).to.include({ metadata: false, type: 'realtime' });
      expect(s.service_name, s.service_code).to.equal(MESSAGES[`category.${s.service_code}` as keyof typeof MESSAGES][0]);
      expect(s.group).to.be.a('string').and.not.equal('');
      expect(s.keywords).to.be.a('string').and.not.equal('');
    }
    const xml = await open311(t, 'GET', '/services.xml?jurisdiction_id=yuquan');
    expect(xml.status, xml.text).to.equal(200);
    expect(xml.type).to.match(/^text\/xml/);
    expect(readXml(xml.text, 'services').service).to.deep.equal(asXmlText(json.body));
  });

  it('jurisdiction_id: missing → 400, unknown (or the shared default) → 404, an empty one is a missing one; in the requested format', async () => {
    expectError(await open311(t, 'GET', '/services.json'), 400, 'jurisdiction_id_missing');
    expectError(await open311(t, 'GET', '/services.json?jurisdiction_id='), 400, 'jurisdiction_id_missing');
    expectError(await open311(t, 'GET', '/services.xml'), 400, 'jurisdiction_id_missing');
    expectError(await open311(t, 'GET', '/services.json?jurisdiction_id=atlantis'), 404, 'jurisdiction_unknown');
    expectError(await open311(t, 'GET', '/services.xml?jurisdiction_id=default'), 404, 'jurisdiction_unknown');
  });

  it('unknown formats, service definitions and paths answer 404 in the spec\'s error shape', async () => {
    expectError(await open311(t, 'GET', '/services.html?jurisdiction_id=yuquan'), 404, 'format_unsupported');
    expectError(await open311(t, 'GET', '/services/water.xml?jurisdiction_id=yuquan'), 404, 'service_definition_none');
    expectError(await open311(t, 'GET', '/tokens/abc.xml'), 404, 'route_not_found');
    expectError(await open311(t, 'GET', '/nothing'), 404, 'route_not_found');
  });

  it('the Open311 routes are in /api/openapi.json', async () => {
    const doc = await t.call('GET', '/api/openapi.json');
    for (const p of ['/open311/v2/discovery.{format}', '/open311/v2/services.{format}', '/open311/v2/requests.{format}', '/open311/v2/requests/{service_request_id}.{format}']) {
      expect(doc.body.paths, p).to.have.property(p);
    }
    expect(doc.body.paths['/open311/v2/requests.{format}']).to.have.keys('get', 'post');
  });
});
