import { expect } from 'chai';
import { DAY } from '../../../server/clock/index.ts';
import { verifyChain } from '../../../server/audit/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

const CONTACT = ['contact_name_enc', 'contact_phone_enc', 'contact_phone_hash', 'contact_id_enc', 'contact_id_hash'];

describe('retention: contact details of long-closed cases are erased', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const submitAndClose = async (title: string) => {
    const c = await t.call('POST', '/api/v1/cases', {
      body: { region: 'naiman', category: 'road', title, contact: { name: '李四', phone: '13800000011', idNumber: '150102199001011234' } },
    });
    expect(c.status, c.text).to.equal(201);
    const closed = await t.call('POST', `/api/v1/cases/${c.body.id}/transfer`, { as: 'naiman.dispatcher', body: { to: '122', reason: '交通事故，已转交警' } });
    expect(closed.status, closed.text).to.equal(200);
    return Number(c.body.id);
  };

  it('given a case closed 731 days ago and one closed yesterday, when the daily job runs, then only the old one loses its contact — on its timeline, chain intact — and only once a day', async () => {
    const old = await submitAndClose('两年前的事故');
    t.clock.advance(730 * DAY);
    const recent = await submitAndClose('昨天的事故');
    t.clock.advance(DAY);

    const tick = await t.app.sla.jobs.tick();
    expect(tick.daily).to.include.members(['retention-purge', 'idempotency-purge']);

    const oldRow = await t.db.knex('cases').where({ id: old }).first(CONTACT);
    expect(Object.values(oldRow).every((v) => v === null)).to.equal(true);
    const recentRow = await t.db.knex('cases').where({ id: recent }).first(CONTACT);
    expect(recentRow.contact_phone_enc).to.be.a('string');

    const events = await t.db.knex('case_events').where({ case_id: old, type: 'case.contact_purged' });
    expect(events).to.have.length(1);
    expect(events[0].data).to.deep.equal({ retentionDays: 730 });
    expect((await verifyChain(t.db.knex, old)).intact).to.equal(true);

    const detail = await t.call('GET', `/api/v1/cases/${old}`, { as: 'naiman.dispatcher' });
    expect(detail.status).to.equal(200);
    expect(detail.body.status).to.equal('closed');
    expect(JSON.stringify(detail.body.contact ?? {})).not.to.contain('13800000011');

    // The same day again: another node (or a second tick) does not run it twice.
    expect((await t.app.sla.jobs.tick()).daily).to.deep.equal([]);
    t.clock.advance(DAY);
    expect((await t.app.sla.jobs.tick()).daily).to.include.members(['retention-purge', 'idempotency-purge']);
    expect(await t.db.knex('case_events').where({ case_id: old, type: 'case.contact_purged' })).to.have.length(1);
  });

  it('given a submission with an Idempotency-Key, then a retry within 7 days answers the same, and the stored answer (with its tracking code) is gone after 7 days', async () => {
    const body = { region: 'naiman', category: 'noise', title: '夜间施工' };
    const headers = { 'Idempotency-Key': 'retry-7d' };
    const first = await t.call('POST', '/api/v1/cases', { body, headers });
    t.clock.advance(6 * DAY);
    await t.app.sla.jobs.tick();
    const retry = await t.call('POST', '/api/v1/cases', { body, headers });
    expect(retry.body).to.deep.equal(first.body);
    t.clock.advance(2 * DAY);
    await t.app.sla.jobs.tick();
    expect(await t.db.knex('idempotency_keys').where({ key: 'retry-7d' })).to.have.length(0);
  });
});
