import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openTask } from '../../support/cases.ts';

const PHONE = '19900000001';
const ID = '150102199001011234';

describe('citizens: intake, tracking, evaluation, personal data', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const body = (extra: Record<string, unknown> = {}) => ({
    region: 'saihan', category: 'water', title: '停水三天', description: '小区停水', contact: { name: '王小明', phone: PHONE, idNumber: ID }, ...extra,
  });

  it('a retried submission with the same Idempotency-Key makes one case; another body with that key is 422', async () => {
    const headers = { 'Idempotency-Key': 'k-0001' };
    const a = await t.call('POST', '/api/v1/cases', { body: body(), headers });
    expect(a.status, a.text).to.equal(201);
    expect(a.body.caseNo).to.be.a('string');
    expect(a.body.trackingCode).to.match(/^[A-Z2-9]{8}$/);
    const b = await t.call('POST', '/api/v1/cases', { body: body(), headers });
    expect(b.status).to.equal(201);
    expect(b.body).to.deep.equal(a.body);
    const n = await t.db.knex('cases').where({ title: '停水三天' }).count<{ n: number }[]>('* as n');
    expect(Number(n[0].n)).to.equal(1);
    const c = await t.call('POST', '/api/v1/cases', { body: body({ title: '别的事' }), headers });
    expect(c.status).to.equal(422);
    expect(c.body.error.code).to.equal('idempotency_key_reused');
  });

  it('stores phone and ID number encrypted, searchable by keyed hash; masked for all but dispatchers; every unmasked view is logged', async () => {
    const res = await t.call('POST', '/api/v1/cases', { body: body({ title: '加密测试' }) });
    const id = res.body.id;
    const row = await t.db.knex('cases').where({ id }).first();
    const raw = JSON.stringify(row);
    expect(raw).to.not.include(PHONE);
    expect(raw).to.not.include(ID);
    expect(raw).to.not.include('王小明');
    const events = JSON.stringify(await t.db.knex('case_events').where({ case_id: id }));
    expect(events).to.not.include(PHONE);

    const asDispatcher = await caseDetail(t, id, 'saihan.dispatcher');
    expect(asDispatcher.contact).to.deep.equal({ name: '王小明', phone: PHONE, idNumber: ID, masked: false });
    const log = await t.db.knex('access_log').where({ case_id: id });
    expect(log).to.have.length(1);
    expect(log[0]).to.include({ actor: 'saihan.dispatcher' });
    expect(log[0].fields).to.include('phone');

    const asLeader = await caseDetail(t, id, 'saihan.leader');
    expect(asLeader.contact).to.deep.equal({ name: '王**', phone: '199****0001', idNumber: '150102********1234', masked: true });
    const asAdmin = await caseDetail(t, id, 'admin');
    expect(asAdmin.contact.phone).to.equal('199****0001');
    // The demo handler belongs to the property office too: property companies never see the contact.
    // (A handler reads only cases given to them: the dispatcher hands them this one.)
    const given = await t.call('POST', `/api/v1/tasks/${(await openTask(t, id, 'dispatch')).id}/assign`, { as: 'saihan.dispatcher', body: { username: 'saihan.handler' } });
    expect(given.status, given.text).to.equal(200);
    const asHandler = await caseDetail(t, id, 'saihan.handler');
    expect(asHandler.contact).to.equal(null);
    expect(JSON.stringify(asHandler)).to.not.include('0001');
    expect(await t.db.knex('access_log').where({ case_id: id })).to.have.length(1);

    const found = await t.call('GET', `/api/v1/cases?phone=${PHONE}`, { as: 'saihan.dispatcher' });
    expect(found.status, found.text).to.equal(200);
    expect(found.body.items.map((c: { id: number }) => c.id)).to.include(id);
    const notAllowed = await t.call('GET', `/api/v1/cases?phone=${PHONE}`, { as: 'saihan.leader' });
    expect(notAllowed.status).to.equal(403);
  });

  it('保密件: contact visible to dispatchers only, not even masked to others', async () => {
    const res = await t.call('POST', '/api/v1/cases', { body: body({ title: '保密', confidential: true }) });
    expect((await caseDetail(t, res.body.id, 'saihan.dispatcher')).contact.phone).to.equal(PHONE);
    const asLeader = await caseDetail(t, res.body.id, 'saihan.leader');
    expect(asLeader.confidential).to.equal(true);
    expect(asLeader.contact).to.equal(null);
  });

  it('tracks progress publicly (no names, phones, comments) and takes one evaluation', async () => {
    const res = await t.call('POST', '/api/v1/cases', { body: body({ title: '跟踪测试' }) });
    const { id, caseNo, trackingCode } = res.body;
    await t.call('POST', `/api/v1/cases/${id}/comments`, { as: 'saihan.handler', body: { body: '内部意见：联系王小明' } });
    await complete(t, id, 'dispatch', 'saihan.dispatcher', { department: 'water-utility' });
    const wrong = await t.call('GET', `/api/v1/track/${caseNo}?code=WRONGCODE`);
    expect(wrong.status).to.equal(404);
    const early = await t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { body: { code: trackingCode, score: 5 } });
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('evaluation_not_open');
    await complete(t, id, 'verify', 'saihan.handler', { valid: true, finding: '属实' });
    await complete(t, id, 'resolve', 'saihan.handler', { resolution: '已抢修' });
    await complete(t, id, 'reply', 'saihan.handler', { replyText: '已恢复供水' });

    const track = await t.call('GET', `/api/v1/track/${caseNo}?code=${trackingCode.toLowerCase()}`);
    expect(track.status, track.text).to.equal(200);
    expect(track.body.reply.text).to.equal('已恢复供水');
    expect(track.body.canEvaluate).to.equal(true);
    expect(track.body.steps.length).to.be.greaterThan(3);
    const text = JSON.stringify(track.body);
    for (const secret of [PHONE, '王小明', '内部意见', 'saihan.handler', 'saihan.dispatcher', 'water-utility']) expect(text).to.not.include(secret);

    const bad = await t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { body: { code: trackingCode, score: 9 } });
    expect(bad.status).to.equal(422);
    const ok = await t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { body: { code: trackingCode, score: 4, comment: '挺快' } });
    expect(ok.status, ok.text).to.equal(201);
    const again = await t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { body: { code: trackingCode, score: 1 } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('already_evaluated');
    const d = await caseDetail(t, id);
    expect(d.status).to.equal('closed');
    expect(d.timeline.find((e: { type: string; data: { elementId?: string } }) => e.type === 'task.completed' && e.data.elementId === 'evaluate').actor).to.equal('citizen');
  });
});
