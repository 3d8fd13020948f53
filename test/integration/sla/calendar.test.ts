import { createRegion } from '../../../server/regions/index.ts';
import { expect } from 'chai';
import { createApp, type App } from '../../../server/app.ts';
import { ManualClock } from '../../../server/clock/index.ts';
import { evaluateFeel } from '../../../server/engine/index.ts';
import { startCase } from '../../../server/cases/index.ts';
import { checkNextYear, listProvisional } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { freshDb } from '../../support/db.ts';

const local = (iso: string | Date) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('sla/calendar: the admin API, region overrides and FEEL working-time functions', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('serves the seeded 2026 arrangement: 248 working days, holidays and make-up days, office hours', async () => {
    const res = await t.call('GET', '/api/v1/calendar/yuquan/2026', { as: 'yuquan.auditor' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ loaded: true, workdays: 248 });
    expect(res.body.days).to.deep.include({ day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' });
    expect(res.body.days).to.deep.include({ day: '2026-02-16', kind: 'holiday', name: '春节' });
    expect(res.body.officeHours).to.deep.equal({ timeZone: 'Asia/Shanghai', periods: [['08:30', '12:00'], ['14:30', '18:00']] });
    expect((await t.call('GET', '/api/v1/calendar/yuquan/2027', { as: 'yuquan.auditor' })).body.loaded).to.equal(false);
  });

  it("lets a region override the default (a local festival) without touching the other regions", async () => {
    const put = await t.call('PUT', '/api/v1/calendar/zhalaite/2026', { as: 'admin', body: { source: '扎赉特旗那达慕', days: [{ day: '2026-07-15', kind: 'holiday', name: '那达慕' }] } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.workdays).to.equal(247);
    expect(put.body.ownDays).to.deep.equal([{ day: '2026-07-15', kind: 'holiday', name: '那达慕' }]);
    const fns = t.app.sla.functions;
    const from = { region: 'zhalaite' };
    expect(local(evaluateFeel('=workdays(1, date("2026-07-14"))', from, fns) as Date)).to.equal('2026-07-16 18:00');
    expect(local(evaluateFeel('=workdays(1, date("2026-07-14"))', { region: 'yuquan' }, fns) as Date)).to.equal('2026-07-15 18:00');
    const bad = await t.call('PUT', '/api/v1/calendar/zhalaite/2026', { as: 'admin', body: { days: [{ day: '2027-01-01', kind: 'holiday' }] } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('day_outside_year');
    expect((await t.call('PUT', '/api/v1/calendar/atlantis/2026', { as: 'admin', body: { days: [] } })).status).to.equal(404);
  });

  it('offers workdays(n), workdays(n, from) and workhours(n) to FEEL in the case region, from the app clock', async () => {
    const fns = t.app.sla.functions;
    const v = { region: 'yuquan' };
    expect(local(evaluateFeel('=workdays(5, date("2026-09-30"))', v, fns) as Date)).to.equal('2026-10-13 18:00');
    expect(local(evaluateFeel('=workdays(5, "2026-09-30T10:00:00+08:00")', v, fns) as Date)).to.equal('2026-10-13 18:00');
    // The app clock is Monday 2 March 2026, 09:00 China time.
    expect(local(evaluateFeel('=workdays(1)', v, fns) as Date)).to.equal('2026-03-03 18:00');
    expect(local(evaluateFeel('=workhours(4)', v, fns) as Date)).to.equal('2026-03-02 15:30');
  });

  it('changes office hours per region, validated', async () => {
    const put = await t.call('PUT', '/api/v1/calendar/naiman/hours', { as: 'admin', body: { periods: [['09:00', '12:00'], ['13:30', '17:30']] } });
    expect(put.status, put.text).to.equal(200);
    expect(local(evaluateFeel('=workhours(4)', { region: 'naiman' }, t.app.sla.functions) as Date)).to.equal('2026-03-02 14:30');
    const bad = await t.call('PUT', '/api/v1/calendar/naiman/hours', { as: 'admin', body: { periods: [['12:00', '09:00']] } });
    expect(bad.status).to.equal(422);
  });

  it('reads and changes the limits table', async () => {
    const before = await t.call('GET', '/api/v1/sla/limits/yuquan', { as: 'yuquan.auditor' });
    expect(before.body.limits).to.deep.include({ region: 'default', category: 'complaint', urgency: 'normal', response: '1wd', resolution: '15wd', warnShare: 0.8 });
    const put = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { limits: [{ category: 'complaint', urgency: 'normal', response: '4wh', resolution: '13wd', warnShare: 0.75 }] } });
    expect(put.status, put.text).to.equal(200);
    expect(t.app.sla.cache.limitFor('yuquan', 'complaint', 'normal')).to.include({ resolution: '13wd', warnShare: 0.75 });
    expect(t.app.sla.cache.limitFor('saihan', 'complaint', 'normal')).to.include({ resolution: '15wd' });
    const bad = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { limits: [{ category: 'x', urgency: 'normal', response: '3 days', resolution: '1wd' }] } });
    expect(bad.status).to.equal(422);
  });
});

describe('sla/calendar: a due time in 2027, with no loaded calendar, is provisional and alerts', function () {
  let app: App;
  let db: Awaited<ReturnType<typeof freshDb>>;
  const logs: string[] = [];
  const clock = new ManualClock('2026-12-28T02:00:00Z'); // Monday 28 December 2026, 10:00 China time
  before(async () => {
    db = await freshDb({ migrate: false });
    app = createApp({ db, clock, demo: false, node: 'test', log: (m) => logs.push(m) });
    await app.start();
    // A production start seeds no demo region: the admin creates the one this test uses.
    await createRegion(db.knex, { id: 'yuquan', name: '玉泉区', casePrefix: 'YQ' }, 'admin', clock.now());
  });
  after(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('marks the clock and the case provisional, logs an alert, writes it on the timeline and lists it for auditors', async () => {
    const c = await startCase(app.ctx.runtime, { region: 'yuquan', processKey: 'citizen-request', category: 'complaint', urgency: 'normal', title: '投诉', description: '', channel: 'web', confidential: false } as never, 'citizen');
    const clocks = await db.knex('sla_clocks').where({ case_id: c.id });
    const resolution = clocks.find((k) => k.kind === 'resolution');
    expect(resolution.provisional).to.equal(true); // 15 working days → January 2027
    expect(local(resolution.due_at)).to.equal('2027-01-18 18:00'); // weekdays only: 1 January 2027 counted as a working day
    expect(clocks.find((k) => k.kind === 'response').provisional).to.equal(false);
    expect((await db.knex('cases').where({ id: c.id }).first('sla_provisional')).sla_provisional).to.equal(true);
    expect(logs.some((m) => m.startsWith('SLA ALERT') && m.includes('2027'))).to.equal(true);
    const event = await db.knex('case_events').where({ case_id: c.id, type: 'sla.provisional' }).first();
    expect(event.data.years).to.deep.equal([2027]);
    const alerts = await listProvisional(db.knex, 'all');
    expect(alerts.map((a) => a.caseId)).to.include(c.id);
    expect(checkNextYear(app.sla.cache, clock.now(), (m) => logs.push(m))).to.deep.equal([2027]);
  });

  it('once 2027 is loaded, new due times there are no longer provisional', async () => {
    const { loadYear } = await import('../../../server/sla/index.ts');
    await loadYear(db.knex, 'default', 2027, { source: 'test', days: [{ day: '2027-01-01', kind: 'holiday', name: '元旦' }] }, 'admin', clock.now());
    await app.sla.changed();
    const c = await startCase(app.ctx.runtime, { region: 'yuquan', processKey: 'citizen-request', category: 'complaint', urgency: 'normal', title: '投诉', description: '', channel: 'web', confidential: false } as never, 'citizen');
    const resolution = await db.knex('sla_clocks').where({ case_id: c.id, kind: 'resolution' }).first();
    expect(resolution.provisional).to.equal(false);
    expect(local(resolution.due_at)).to.equal('2027-01-19 18:00'); // 1 January is now a holiday
  });
});
