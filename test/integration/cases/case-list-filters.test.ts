import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete } from '../../support/cases.ts';

/**
 * The desk's case list (GET /cases): every filter against the real database —
 * case number (exact or prefix, any case), phone through the keyed hash, text,
 * status with closed cases, unit, category (leaf or branch), a date range of
 * the region's own days, breached — scoped by region and, for a handler, by
 * the cases given to their unit.
 */
describe('case list filters (the desk)', function () {
  let t: TestApp;
  const ids = (res: { body: { items: Array<{ id: number }> } }) => res.body.items.map((c) => c.id);
  const list = async (query: string, as = 'yuquan.dispatcher') => {
    const res = await t.call('GET', `/api/v1/cases?region=yuquan&${query}`, { as });
    expect(res.status, res.text).to.equal(200);
    return res;
  };
  /** Taken in by the hotline dispatcher at the clock's present time. */
  const takeCall = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/v1/cases', {
      as: 'yuquan.dispatcher',
      body: { region: 'yuquan', category: 'road', title: '路灯不亮', description: '小区门口路灯坏了', channel: 'hotline', ...body },
    });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string };
  };

  // 2026-03-02 23:30 and 2026-03-03 00:30 in Asia/Shanghai (UTC+8): one day apart there, the same UTC day.
  let lateOnTheSecond: { id: number; caseNo: string };
  let earlyOnTheThird: { id: number; caseNo: string };
  let refused: { id: number; caseNo: string };
  let dispatched: { id: number; caseNo: string };
  let noise: { id: number; caseNo: string };
  let elsewhere: { id: number; caseNo: string };

  before(async () => {
    t = await startTestApp({ clockStart: '2026-03-02T15:30:00Z' });
    lateOnTheSecond = await takeCall({ title: '井盖缺失', description: '人民路井盖丢了', contact: { name: '王先生', phone: '13900001111' } });
    t.clock.set('2026-03-02T16:30:00Z');
    earlyOnTheThird = await takeCall({ title: '占道经营', description: '夜市摊位占了人行道' });
    refused = await takeCall({ title: '劳动纠纷', description: '工资拖欠', contact: { phone: '13700002222' } });
    const na = await t.call('POST', `/api/v1/cases/${refused.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '劳动争议', legalRoute: '请向劳动人事争议仲裁委员会申请仲裁' } });
    expect(na.status, na.text).to.equal(200);
    dispatched = await takeCall({ title: '道路坑洼', description: '学府路坑洼积水' });
    await complete(t, dispatched.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    noise = await takeCall({ category: 'noise', title: '夜间施工', description: '工地夜间施工噪音' });
    const other = await t.call('POST', '/api/v1/cases', { as: 'saihan.dispatcher', body: { region: 'saihan', category: 'road', title: '井盖缺失', channel: 'hotline', contact: { phone: '13900001111' } } });
    expect(other.status, other.text).to.equal(201);
    elsewhere = other.body;
  });
  after(async () => t?.close());

  it('finds a case by its number, exact or by a lower-case beginning', async () => {
    expect(ids(await list(`caseNo=${lateOnTheSecond.caseNo}`))).to.deep.equal([lateOnTheSecond.id]);
    const prefix = lateOnTheSecond.caseNo.slice(0, -2).toLowerCase();
    const found = ids(await list(`caseNo=${encodeURIComponent(prefix)}`));
    expect(found).to.include(lateOnTheSecond.id);
    expect(found).to.not.include(elsewhere.id);
    // LIKE wildcards are text, not patterns.
    expect((await list('caseNo=%25')).body.total).to.equal(0);
  });

  it('finds a closed (不予受理) case by phone, and by status and how it was closed', async () => {
    const byPhone = await list('phone=137%200000%202222');
    expect(ids(byPhone)).to.deep.equal([refused.id]);
    expect(byPhone.body.items[0]).to.include({ status: 'closed', closeKind: 'not_accepted' });
    expect(ids(await list('status=closed'))).to.deep.equal([refused.id]);
    expect(ids(await list('status=closed&closeKind=not_accepted'))).to.deep.equal([refused.id]);
    expect((await list('status=closed&closeKind=emergency')).body.total).to.equal(0);
    expect(ids(await list('status=open'))).to.not.include(refused.id);
    // The whole list shows closed cases too.
    expect(ids(await list(''))).to.include(refused.id);
  });

  it('a phone search never crosses regions, and is for dispatchers only', async () => {
    expect(ids(await list('phone=13900001111'))).to.deep.equal([lateOnTheSecond.id]);
    const leader = await t.call('GET', '/api/v1/cases?region=yuquan&phone=13900001111', { as: 'yuquan.leader' });
    expect(leader.status).to.equal(403);
  });

  it('free text searches title and description', async () => {
    expect(ids(await list(`q=${encodeURIComponent('人行道')}`))).to.deep.equal([earlyOnTheThird.id]);
  });

  it('unit: the cases one of whose tasks was offered to it', async () => {
    expect(ids(await list('unit=city-management'))).to.deep.equal([dispatched.id]);
    expect((await list('unit=housing')).body.total).to.equal(0);
  });

  it('category: the leaf, or every case under a branch of the catalogue', async () => {
    expect(ids(await list('category=noise'))).to.deep.equal([noise.id]);
    const branch = ids(await list('category=CX'));
    expect(branch).to.include.members([lateOnTheSecond.id, earlyOnTheThird.id, dispatched.id]);
    expect(branch).to.not.include(noise.id);
    expect(ids(await list('category=HJ'))).to.deep.equal([noise.id]);
  });

  it("a date-only `to` includes that whole day in Asia/Shanghai; `from` starts the next one there", async () => {
    expect(ids(await list('to=2026-03-02'))).to.deep.equal([lateOnTheSecond.id]);
    const third = ids(await list('from=2026-03-03'));
    expect(third).to.include.members([earlyOnTheThird.id, refused.id, dispatched.id, noise.id]);
    expect(third).to.not.include(lateOnTheSecond.id);
    expect(ids(await list('from=2026-03-02&to=2026-03-02'))).to.deep.equal([lateOnTheSecond.id]);
    // Instants are instants.
    expect(ids(await list(`to=${encodeURIComponent('2026-03-02T16:00:00Z')}`))).to.deep.equal([lateOnTheSecond.id]);
    expect(ids(await list(`from=${encodeURIComponent('2026-03-03T00:00:00+08:00')}&to=${encodeURIComponent('2026-03-02T16:30:00Z')}`))).to.have.members([earlyOnTheThird.id, refused.id, dispatched.id, noise.id]);
    const bad = await t.call('GET', '/api/v1/cases?to=yesterday', { as: 'yuquan.dispatcher' });
    expect(bad.status).to.equal(422);
  });

  it('paged with the total', async () => {
    const first = await list('limit=2');
    expect(first.body.total).to.equal(5);
    expect(first.body.items).to.have.length(2);
    const rest = await list('limit=2&offset=4');
    expect(rest.body.items).to.have.length(1);
  });

  it('breached: open cases past a clock\'s due time, not the closed one', async () => {
    expect((await list('breached=true')).body.total).to.equal(0);
    t.clock.advance(40 * 24 * 3600 * 1000);
    const late = await list('breached=true');
    expect(ids(late)).to.include.members([lateOnTheSecond.id, dispatched.id]);
    expect(ids(late)).to.not.include(refused.id);
    expect(late.body.items.every((c: { breached: boolean }) => c.breached)).to.equal(true);
    expect(ids(await list('breached=false'))).to.include(refused.id);
  });

  it('a handler sees only the cases given to their unit', async () => {
    await t.call('PUT', '/api/v1/groups/yuquan/water-company', { as: 'admin', body: { name: '自来水公司' } });
    const made = await t.call('POST', '/api/v1/users', {
      as: 'admin', body: { username: 'yuquan.water', password: 'water-pass-01', displayName: '水务经办', role: 'handler', region: 'yuquan', groups: ['water-company'] },
    });
    expect(made.status, made.text).to.equal(201);
    const login = await t.call('POST', '/api/v1/auth/login', { body: { username: 'yuquan.water', password: 'water-pass-01' } });
    const theirs = async () => {
      const res = await fetch(`${t.url}/api/v1/cases?region=yuquan`, { headers: { authorization: `Bearer ${login.body.token}` } });
      expect(res.status).to.equal(200);
      return ((await res.json()) as { items: Array<{ id: number }> }).items.map((c) => c.id);
    };
    expect(await theirs()).to.deep.equal([]);
    const verify = (await t.call('GET', `/api/v1/tasks?caseId=${dispatched.id}`, { as: 'yuquan.dispatcher' })).body.items[0];
    const assigned = await t.call('POST', `/api/v1/tasks/${verify.id}/assign`, { as: 'yuquan.dispatcher', body: { username: 'yuquan.water' } });
    expect(assigned.status, assigned.text).to.equal(200);
    expect(await theirs()).to.deep.equal([dispatched.id]);
    // The city-management handler (the demo one works for every unit) sees the dispatched case.
    expect(ids(await list('', 'yuquan.handler'))).to.include(dispatched.id);
    expect(ids(await list('', 'yuquan.handler'))).to.not.include(lateOnTheSecond.id);
  });

  it('staff intake keeps 诉求类型 as an intake variable; an anonymous call keeps no phone, whatever was sent', async () => {
    const typed = await takeCall({ requestType: 'complaint', title: '乱收费', contact: { phone: '13600003333' } });
    const detail = await t.call('GET', `/api/v1/cases/${typed.id}`, { as: 'yuquan.dispatcher' });
    expect(detail.body.variables.requestType).to.equal('complaint');
    expect(detail.body.timeline[0].data).to.include({ requestType: 'complaint', channel: 'hotline' });
    const anonymous = await takeCall({ anonymous: true, title: '有人倾倒垃圾', contact: { name: '李', phone: '13600004444' } });
    const row = await t.db.knex('cases').where({ id: anonymous.id }).first('contact_phone_hash', 'contact_phone_enc', 'contact_name_enc', 'variables');
    expect(row).to.deep.include({ contact_phone_hash: null, contact_phone_enc: null, contact_name_enc: null });
    expect(row.variables).to.not.have.property('requestType');
    expect((await list('phone=13600004444')).body.total).to.equal(0);
    const bad = await t.call('POST', '/api/v1/cases', { as: 'yuquan.dispatcher', body: { region: 'yuquan', category: 'road', title: 'x', requestType: 'gossip' } });
    expect(bad.status).to.equal(422);
  });
});
