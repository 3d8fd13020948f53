import { expect } from 'chai';
import { HOUR } from '../../../server/clock/index.ts';
import { startTestApp, TEST_LIMITS, type TestApp } from '../../support/app.ts';
import { readXml } from './open311.ts';

let ipSeq = 0;
const newIp = () => `100.64.0.${++ipSeq}`;

describe('Open311 POST requests throttled per api_key, else per address', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      throttle: { ...TEST_LIMITS, open311Ip: { limit: 2, windowMs: HOUR }, open311Key: { limit: 3, windowMs: HOUR } },
      trustProxy: 'loopback',
    });
  });
  after(async () => t?.close());

  const post = async (ip: string, format: 'json' | 'xml', extra: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}/open311/v2/requests.${format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
      body: new URLSearchParams({ jurisdiction_id: 'yuquan', service_code: 'water', address_string: '玉泉区大南街12号', description: '停水', ...extra }).toString(),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  };

  it('without a key: 2 an hour per address, then 429 in the spec\'s error list (JSON and XML) with Retry-After', async () => {
    const ip = newIp();
    expect((await post(ip, 'json')).status).to.equal(201);
    expect((await post(ip, 'xml')).status).to.equal(201);
    const json = await post(ip, 'json');
    expect(json.status).to.equal(429);
    expect(json.retryAfter).to.match(/^\d+$/);
    const [err] = JSON.parse(json.text);
    expect(err.code).to.equal('rate_limited');
    expect(err.description).to.match(/try again in/);
    const xml = await post(ip, 'xml');
    expect(xml.status).to.equal(429);
    expect([readXml(xml.text, 'errors').error].flat().map((e: { code: string }) => e.code)).to.deep.equal(['rate_limited']);
    expect((await post(newIp(), 'json')).status).to.equal(201);
    t.clock.advance(Number(json.retryAfter) * 1000);
    expect((await post(ip, 'json')).status).to.equal(201);
  });

  it('with an api_key: its own quota, shared by every address; a made-up key per request does not escape the address\'s quota', async () => {
    t.clock.advance(HOUR);
    for (let i = 0; i < 3; i++) expect((await post(newIp(), 'json', { api_key: 'client-a' })).status).to.equal(201);
    const refused = await post(newIp(), 'json', { api_key: 'client-a' });
    expect(refused.status).to.equal(429);
    expect(JSON.parse(refused.text)[0].description).to.match(/api_key/);
    expect((await post(newIp(), 'json', { api_key: 'client-b' })).status).to.equal(201);
    const ip = newIp();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(ip, 'json', { api_key: `made-up-${i}` })).status);
    expect(statuses).to.deep.equal([201, 201, 201, 429]);
  });
});
