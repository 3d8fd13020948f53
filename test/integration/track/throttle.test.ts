import { expect } from 'chai';
import { MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, TEST_LIMITS, type TestApp } from '../../support/app.ts';

let ipSeq = 0;
const newIp = () => `203.0.113.${++ipSeq}`;

describe('citizen tracking throttled per address and per case number (lookups, photos, evaluations)', function () {
  this.timeout(120_000);
  let t: TestApp;
  const cases: Array<{ caseNo: string; trackingCode: string }> = [];
  before(async () => {
    t = await startTestApp({
      throttle: { ...TEST_LIMITS, trackIp: { limit: 5, windowMs: MINUTE }, trackCase: { limit: 8, windowMs: MINUTE } },
      trustProxy: 'loopback',
    });
    for (let i = 0; i < 3; i++) {
      const res = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'water', title: `停水 ${i}`, description: '' } });
      expect(res.status, res.text).to.equal(201);
      cases.push(res.body);
    }
  });
  after(async () => t?.close());

  const track = (caseNo: string, code: string, ip: string) => t.call('GET', `/api/v1/track/${caseNo}?code=${code}`, { headers: { 'x-forwarded-for': ip } });
  const evaluate = (caseNo: string, code: string, ip: string) =>
    t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { headers: { 'x-forwarded-for': ip }, body: { code, score: 5 } });

  it('per address: wrong codes answer 404 until the window is full, then 429 with Retry-After — the right code too; a new window lets it through', async () => {
    const ip = newIp();
    const [a, b] = cases;
    for (let i = 0; i < 4; i++) expect((await track(a.caseNo, 'WRONG234', ip)).status).to.equal(404);
    // Evaluations count in the same window.
    expect((await evaluate(b.caseNo, 'WRONG234', ip)).status).to.equal(404);
    const refused = await track(b.caseNo, b.trackingCode, ip);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    expect(refused.body.error.message).to.match(/from this address.*try again in \d+ (seconds?|minute)\./);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).to.be.within(1, 60);
    // Another address is not affected.
    expect((await track(b.caseNo, b.trackingCode, newIp())).status).to.equal(200);
    t.clock.advance(wait * 1000);
    expect((await track(b.caseNo, b.trackingCode, ip)).status).to.equal(200);
  });

  it('per case number: guesses from many addresses lock that case only, until the window ends', async () => {
    t.clock.advance(MINUTE);
    const [, , c] = cases;
    for (let i = 0; i < 8; i++) expect((await track(c.caseNo, `GUESS${i}AB`.slice(0, 8), newIp())).status).to.equal(404);
    const refused = await track(c.caseNo, c.trackingCode, newIp());
    expect(refused.status).to.equal(429);
    expect(refused.body.error.message).to.match(/for this case/);
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    expect((await evaluate(c.caseNo, c.trackingCode, newIp())).status).to.equal(429);
    // The other cases answer as usual.
    expect((await track(cases[0].caseNo, cases[0].trackingCode, newIp())).status).to.equal(200);
    t.clock.advance(MINUTE);
    expect((await track(c.caseNo, c.trackingCode, newIp())).status).to.equal(200);
  });
});
