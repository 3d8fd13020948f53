import { expect } from 'chai';
import { HOUR } from '../../../server/clock/index.ts';
import { startTestApp, TEST_LIMITS, type TestApp } from '../../support/app.ts';

let ipSeq = 0;
const newIp = () => `192.0.2.${++ipSeq}`;

describe('anonymous intake throttled per address and per phone number; staff are not', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      throttle: { ...TEST_LIMITS, intakeIp: { limit: 3, windowMs: HOUR }, intakePhone: { limit: 2, windowMs: HOUR } },
      trustProxy: 'loopback',
    });
  });
  after(async () => t?.close());

  const submit = (ip: string, extra: Record<string, unknown> = {}, as?: string) =>
    t.call('POST', '/api/v1/cases', { as, headers: { 'x-forwarded-for': ip }, body: { region: 'yuquan', category: 'road', title: '路灯不亮', description: '', ...extra } });
  const count = async () => Number((await t.db.knex('cases').count<{ n: number }[]>('* as n'))[0].n);

  it('per address: 3 submissions an hour, then 429 with Retry-After and nothing stored; a logged-in dispatcher is not limited; the next hour opens again', async () => {
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await submit(ip)).status).to.equal(201);
    const before = await count();
    const refused = await submit(ip);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal('rate_limited');
    expect(refused.body.error.message).to.match(/from this address.*try again in/);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).to.be.within(1, 3600);
    expect(await count()).to.equal(before);
    expect((await submit(ip, {}, 'yuquan.dispatcher')).status).to.equal(201);
    expect((await submit(newIp())).status).to.equal(201);
    t.clock.advance(wait * 1000);
    expect((await submit(ip)).status).to.equal(201);
  });

  it('per phone number, from any address: 2 an hour; another number is not affected', async () => {
    t.clock.advance(HOUR);
    const contact = { phone: '139 0000 1111' };
    expect((await submit(newIp(), { contact })).status).to.equal(201);
    // The same number written another way is the same number (the keyed hash of its digits).
    expect((await submit(newIp(), { contact: { phone: '13900001111' } })).status).to.equal(201);
    const refused = await submit(newIp(), { contact });
    expect(refused.status).to.equal(429);
    expect(refused.body.error.message).to.match(/phone number/);
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    expect((await submit(newIp(), { contact: { phone: '13900002222' } })).status).to.equal(201);
    // Staff entering a hotline call for that citizen are not limited.
    expect((await submit(newIp(), { contact }, 'yuquan.dispatcher')).status).to.equal(201);
  });
});
