import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { openTask } from '../../support/cases.ts';

/** A new 旗 is set up through the API alone, and its case numbers follow its own calendar day. */
describe('regions are data an admin edits', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ clockStart: '2026-03-02T20:30:00Z' }); // 04:30 on 3 March in China
  });
  after(async () => t?.close());

  const region = { id: 'keyouqian', name: '科尔沁右翼前旗', casePrefix: 'KQ', parentCity: '兴安盟' };

  it('an admin creates a region; it is listed with its settings and has its steering units', async () => {
    const res = await t.call('POST', '/api/v1/regions', { as: 'admin', body: region });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.deep.equal({ ...region, timeZone: 'Asia/Shanghai' });
    const list = await t.call('GET', '/api/v1/regions');
    expect(list.body.items.find((r: { id: string }) => r.id === 'keyouqian')).to.deep.include({ casePrefix: 'KQ', parentCity: '兴安盟' });
    const groups = await t.call('GET', '/api/v1/groups?region=keyouqian', { as: 'admin' });
    expect(groups.body.items.map((g: { code: string }) => g.code).sort()).to.deep.equal(['dispatchers', 'leaders']);
  });

  it('refuses a taken id or prefix, a bad time zone, and anyone but an admin', async () => {
    expect((await t.call('POST', '/api/v1/regions', { as: 'admin', body: region })).body.error.code).to.equal('region_exists');
    const prefix = await t.call('POST', '/api/v1/regions', { as: 'admin', body: { ...region, id: 'other-qi', casePrefix: 'YQ' } });
    expect(prefix.status).to.equal(409);
    expect(prefix.body.error).to.include({ code: 'case_prefix_taken' });
    const zone = await t.call('POST', '/api/v1/regions', { as: 'admin', body: { ...region, id: 'zone-qi', casePrefix: 'ZQ', timeZone: 'Mars/Olympus' } });
    expect(zone.status).to.equal(422);
    expect(zone.body.error.details.fields[0].field).to.equal('timeZone');
    expect((await t.call('POST', '/api/v1/regions', { as: 'yuquan.leader', body: { ...region, id: 'x-qi', casePrefix: 'XQ' } })).status).to.equal(403);
    expect((await t.call('PATCH', '/api/v1/regions/keyouqian', { as: 'yuquan.dispatcher', body: { name: 'x' } })).status).to.equal(403);
  });

  it('a case there is numbered with its prefix and its own calendar day, and reaches its dispatchers', async () => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'keyouqian', category: 'road', title: '乡道塌方', description: '村口道路塌方' } });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.caseNo).to.match(/^KQ20260303\d{6}$/);
    expect((await openTask(t, res.body.id, 'dispatch')).candidateGroups).to.deep.equal(['dispatchers']);
  });

  it('an edit changes what new cases get, and the change log says who changed what', async () => {
    const res = await t.call('PATCH', '/api/v1/regions/keyouqian', { as: 'admin', body: { casePrefix: 'KY', timeZone: 'Asia/Urumqi' } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ casePrefix: 'KY', timeZone: 'Asia/Urumqi', name: '科尔沁右翼前旗' });
    const c = await t.call('POST', '/api/v1/cases', { body: { region: 'keyouqian', category: 'road', title: '路灯', description: '路灯不亮' } });
    expect(c.body.caseNo).to.match(/^KY20260303/); // 02:30 in Urumqi: still 3 March
    const log = await t.call('GET', '/api/v1/regions/keyouqian/changes', { as: 'admin' });
    expect(log.status, log.text).to.equal(200);
    const [latest, created] = log.body.items;
    expect(latest).to.deep.include({ actor: 'admin', entity: 'region', key: 'keyouqian' });
    expect(latest.before).to.include({ casePrefix: 'KQ', timeZone: 'Asia/Shanghai' });
    expect(latest.after).to.include({ casePrefix: 'KY', timeZone: 'Asia/Urumqi' });
    expect(created.before).to.equal(null);
    expect((await t.call('GET', '/api/v1/regions/keyouqian/changes', { as: 'yuquan.auditor' })).status).to.equal(403);
  });

  it('SLA limits, office hours, units and staff changes are on the change log too', async () => {
    expect((await t.call('PUT', '/api/v1/sla/limits/keyouqian', { as: 'admin', body: { limits: [{ category: 'road', urgency: 'normal', response: 'PT4H', resolution: 'P5D' }] } })).status).to.equal(200);
    expect((await t.call('PUT', '/api/v1/calendar/keyouqian/hours', { as: 'admin', body: { periods: [['08:00', '12:00'], ['14:30', '18:00']] } })).status).to.equal(200);
    expect((await t.call('PUT', '/api/v1/groups/keyouqian/township-office', { as: 'admin', body: { name: '乡镇办' } })).status).to.equal(200);
    const staff = await t.call('POST', '/api/v1/users', { as: 'admin', body: { username: 'keyouqian.clerk', password: 'clerk-pass-01', displayName: '办事员', role: 'handler', region: 'keyouqian', groups: ['township-office'] } });
    expect(staff.status, staff.text).to.equal(201);
    const log = (await t.call('GET', '/api/v1/regions/keyouqian/changes', { as: 'admin' })).body.items as Array<{ entity: string; key: string; before: any; after: any }>;
    const limits = log.find((c) => c.entity === 'sla_limits')!;
    expect(limits.after.find((l: { category: string; region: string }) => l.category === 'road' && l.region === 'keyouqian')).to.include({ response: 'PT4H', resolution: 'P5D' });
    expect(log.find((c) => c.entity === 'calendar' && c.key === 'office-hours')!.after.periods).to.deep.equal([['08:00', '12:00'], ['14:30', '18:00']]);
    expect(log.find((c) => c.entity === 'group')).to.deep.include({ key: 'township-office', before: null });
    expect(log.find((c) => c.entity === 'user')!.after).to.include({ username: 'keyouqian.clerk', role: 'handler' });
    expect(JSON.stringify(log)).to.not.include('clerk-pass-01');
  });
});
