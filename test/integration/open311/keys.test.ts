import { expect } from 'chai';
import { HOUR } from '../../../server/clock/index.ts';
import { startTestApp, TEST_LIMITS, type TestApp } from '../../support/app.ts';
import { hashKey } from '../../../server/open311/index.ts';
import { expectError, open311, readXml } from './open311.ts';

describe('open311: api keys issued by an admin, required where the region turns them on', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const form = (extra: Record<string, string> = {}, region = 'yuquan') => ({ jurisdiction_id: region, service_code: 'water', address_string: '玉泉区大南街12号', description: '停水', ...extra });
  const issue = async (region: string, client: string) => {
    const res = await t.call('POST', '/api/v1/open311/keys', { as: 'admin', body: { region, client, contact: 'dev@example.org' } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; key: string };
  };

  it('an admin issues a key: shown once, stored only as a hash, listed without key material', async () => {
    const { id, key } = await issue('yuquan', 'FixMyStreet 呼和浩特');
    expect(key).to.match(/^o311_[A-Za-z0-9_-]{43}$/);
    const rows = await t.db.knex('open311_keys').select('*');
    const row = rows.find((r) => Number(r.id) === id);
    expect(row.key_hash).to.equal(hashKey(key));
    expect(JSON.stringify(rows)).not.to.include(key);
    expect(JSON.stringify(rows)).not.to.include(key.slice(10));

    const list = await t.call('GET', '/api/v1/open311/keys?region=yuquan', { as: 'admin' });
    expect(list.status, list.text).to.equal(200);
    const mine = list.body.find((k: { id: number }) => k.id === id);
    expect(mine).to.include({ region: 'yuquan', client: 'FixMyStreet 呼和浩特', contact: 'dev@example.org', lastUsedAt: null, revokedAt: null });
    expect(mine.hint).to.equal(`${key.slice(0, 9)}…`);
    expect(list.text).not.to.include(key);
  });

  it('while the region does not require keys, POST works without one, with a made-up one, and with ours (its last use recorded)', async () => {
    expect((await open311(t, 'POST', '/requests.json', { form: form() })).status).to.equal(201);
    expect((await open311(t, 'POST', '/requests.json', { form: form({ api_key: 'their-own-key' }) })).status).to.equal(201);
    const { id, key } = await issue('yuquan', 'city app');
    expect((await open311(t, 'POST', '/requests.xml', { form: form({ api_key: key }) })).status).to.equal(201);
    const list = await t.call('GET', '/api/v1/open311/keys?region=yuquan', { as: 'admin' });
    expect(new Date(list.body.find((k: { id: number }) => k.id === id).lastUsedAt).getTime()).to.equal(t.clock.now().getTime());
  });

  it('where required: missing → 403 api_key_required, unknown or another region\'s → 403 api_key_invalid, in XML and JSON; ours → 201; revoked → 403', async () => {
    const { id, key } = await issue('yuquan', 'city app 2');
    const other = await issue('saihan', 'saihan app');
    const put = await t.call('PUT', '/api/v1/open311/settings/yuquan', { as: 'admin', body: { requireKey: true } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body).to.deep.equal({ region: 'yuquan', requireKey: true });

    expectError(await open311(t, 'POST', '/requests.json', { form: form() }), 403, 'api_key_required');
    const xml = await open311(t, 'POST', '/requests.xml', { form: form() });
    expectError(xml, 403, 'api_key_required');
    expect([readXml(xml.text, 'errors').error].flat()[0].description).to.match(/requires an api_key/);
    expectError(await open311(t, 'POST', '/requests.json', { json: form({ api_key: 'made-up' }) }), 403, 'api_key_invalid');
    expectError(await open311(t, 'POST', '/requests.xml', { form: form({ api_key: other.key }) }), 403, 'api_key_invalid');

    const ok = await open311(t, 'POST', '/requests.json', { form: form({ api_key: key }) });
    expect(ok.status, ok.text).to.equal(201);
    expect((await open311(t, 'POST', `/requests.xml?api_key=${encodeURIComponent(key)}`, { form: form() })).status).to.equal(201);
    // Another region is not affected.
    expect((await open311(t, 'POST', '/requests.json', { form: form({ address_string: '赛罕区' }, 'saihan') })).status).to.equal(201);

    const del = await t.call('DELETE', `/api/v1/open311/keys/${id}`, { as: 'admin' });
    expect(del.status, del.text).to.equal(204);
    expectError(await open311(t, 'POST', '/requests.json', { form: form({ api_key: key }) }), 403, 'api_key_revoked');
    expectError(await open311(t, 'POST', '/requests.xml', { form: form({ api_key: key }) }), 403, 'api_key_revoked');
    const list = await t.call('GET', '/api/v1/open311/keys', { as: 'admin' });
    expect(list.body.find((k: { id: number }) => k.id === id)).to.include({ revokedBy: 'admin' });
    expect(list.body.map((k: { region: string }) => k.region)).to.include.members(['yuquan', 'saihan']);
  });

  it('discovery says how to get a key and where one is required', async () => {
    const json = await open311(t, 'GET', '/discovery.json');
    expect(json.body.key_service).to.match(/POST \/api\/v1\/open311\/keys/);
    expect(json.body.key_service).to.match(/required to POST requests in jurisdiction yuquan;/);
    const xml = readXml((await open311(t, 'GET', '/discovery.xml')).text, 'discovery');
    expect(xml.key_service).to.equal(json.body.key_service);
  });

  it('only admins manage keys and settings; an unknown region or key is 404', async () => {
    for (const as of ['yuquan.dispatcher', 'yuquan.leader', 'yuquan.auditor', 'saihan.designer']) {
      expect((await t.call('POST', '/api/v1/open311/keys', { as, body: { region: 'yuquan', client: 'x' } })).status, as).to.equal(403);
      expect((await t.call('GET', '/api/v1/open311/keys?region=yuquan', { as })).status, as).to.equal(403);
      expect((await t.call('DELETE', '/api/v1/open311/keys/1', { as })).status, as).to.equal(403);
      expect((await t.call('PUT', '/api/v1/open311/settings/yuquan', { as, body: { requireKey: false } })).status, as).to.equal(403);
    }
    expect((await t.call('POST', '/api/v1/open311/keys', { body: { region: 'yuquan', client: 'x' } })).status).to.equal(401);
    expect((await t.call('POST', '/api/v1/open311/keys', { as: 'admin', body: { region: 'nowhere', client: 'x' } })).status).to.equal(404);
    expect((await t.call('PUT', '/api/v1/open311/settings/default', { as: 'admin', body: { requireKey: true } })).status).to.equal(404);
    expect((await t.call('DELETE', '/api/v1/open311/keys/999999', { as: 'admin' })).status).to.equal(404);
    expect((await t.call('PUT', '/api/v1/open311/settings/yuquan', { as: 'admin', body: { requireKey: 'yes' } })).status).to.be.within(400, 422);
    // Turned off again: POST without a key works.
    expect((await t.call('PUT', '/api/v1/open311/settings/yuquan', { as: 'admin', body: { requireKey: false } })).status).to.equal(200);
    expect((await open311(t, 'POST', '/requests.json', { form: form() })).status).to.equal(201);
  });
});

describe('open311: a verified api_key is throttled per key only', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ throttle: { ...TEST_LIMITS, open311Ip: { limit: 2, windowMs: HOUR }, open311Key: { limit: 3, windowMs: HOUR } }, trustProxy: 'loopback' });
  });
  after(async () => t?.close());

  const post = async (ip: string, apiKey: string) =>
    (
      await fetch(`${t.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        body: new URLSearchParams({ jurisdiction_id: 'yuquan', service_code: 'water', address_string: '玉泉区大南街12号', description: '停水', api_key: apiKey }).toString(),
      })
    ).status;

  it('made-up keys use up the address\'s quota; a verified key from that address still posts, up to its own quota', async () => {
    const { key } = (await t.call('POST', '/api/v1/open311/keys', { as: 'admin', body: { region: 'yuquan', client: 'busy app' } })).body;
    const ip = '100.64.1.1';
    expect([await post(ip, 'made-up-1'), await post(ip, 'made-up-2'), await post(ip, 'made-up-3'), await post(ip, 'made-up-4')]).to.deep.equal([201, 201, 201, 429]);
    expect([await post(ip, key), await post(ip, key), await post('100.64.1.2', key), await post('100.64.1.3', key)]).to.deep.equal([201, 201, 201, 429]);
  });
});
