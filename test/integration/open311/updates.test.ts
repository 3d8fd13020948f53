import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete } from '../../support/cases.ts';
import { toW3c } from '../../../server/open311/fields.ts';
import { expectError, expectSchema, open311, readXml } from './open311.ts';

const J = 'jurisdiction_id=yuquan';
const MINUTE = 60_000;

/**
 * The mySociety `servicerequestupdates` extension as FixMyStreet's client (perllib/Open311.pm)
 * uses it: post a request (e-mail and attribute[…] along), poll the updates between two dates
 * while the case is handled, post a citizen's update with its own update_id.
 */
describe('open311: servicerequestupdates (mySociety extension), a FixMyStreet-shaped client', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const post = async (extra: Record<string, string> = {}) => {
    const a = await open311(t, 'POST', '/requests.xml', {
      form: {
        api_key: 'fms-key', jurisdiction_id: 'yuquan', service_code: 'water', lat: '40.80', long: '111.65', description: 'title: 停水\n\ndetail: 三天没水',
        email: 'li.lei@example.cn', first_name: 'Lei', last_name: 'Li', phone: '13700000311', 'attribute[fixmystreet_id]': '4242', 'attribute[closest_address]': '大南街 12 号', ...extra,
      },
    });
    expect(a.status, a.text).to.equal(201);
    const caseNo = readXml(a.text, 'service_requests').request[0].service_request_id as string;
    const row = await t.db.knex('cases').where({ case_no: caseNo }).first();
    return { caseNo, id: Number(row.id), row };
  };
  /** FixMyStreet asks with both dates or neither. */
  const poll = async (from: Date, to: Date, format: 'xml' | 'json' = 'xml') => {
    const q = `${J}&api_key=fms-key&start_date=${encodeURIComponent(toW3c(from)!)}&end_date=${encodeURIComponent(toW3c(to)!)}`;
    const a = await open311(t, 'GET', `/servicerequestupdates.${format}?${q}`);
    expect(a.status, a.text).to.equal(200);
    return a;
  };
  const step = async (fn: () => Promise<unknown>) => {
    t.clock.advance(10 * MINUTE);
    await fn();
  };

  it('given a request with e-mail and attribute[…], then the e-mail is sealed and the attributes are kept on the case for staff', async () => {
    const c = await post();
    expect(JSON.stringify(c.row)).to.not.include('li.lei@example.cn');
    expect(t.app.ctx.sealer.open(c.row.contact_email_enc)).to.equal('li.lei@example.cn');
    const d = await caseDetail(t, c.id, 'yuquan.dispatcher');
    expect(d.attributes).to.deep.equal({ fixmystreet_id: '4242', closest_address: '大南街 12 号' });
  });

  it('when the case is handled, then polling between two dates gives each public step once with the status FixMyStreet maps, valid against the schema', async () => {
    const started = t.clock.now();
    const c = await post();
    await step(() => complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'water-utility', dispatchNote: '内部：王某情绪激动' }));
    await step(() => complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '内部：阀门故障' }));
    // Both ends count (FixMyStreet drops an update_id it already has): the next poll starts just after this step.
    const middle = new Date(t.clock.now().getTime() + MINUTE);
    await step(() => complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '内部：更换阀门' }));
    await step(() => complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '已恢复供水，联系电话 13912345678' }));

    const xml = await poll(started, t.clock.now());
    expect(xml.type).to.match(/^text\/xml/);
    const mine = readXml(xml.text, 'service_requests_updates').request_update.filter((u: { service_request_id: string }) => u.service_request_id === c.caseNo);
    expect(mine.map((u: { status: string }) => u.status)).to.deep.equal(['investigating', 'action_scheduled', 'in_progress', 'fixed']);
    const reply = mine.at(-1);
    expect(reply.description).to.equal('已恢复供水，联系电话 139****5678');
    expect(reply.updated_datetime).to.match(/\+08:00$/);
    expect(new Set(mine.map((u: { update_id: string }) => u.update_id)).size).to.equal(4);
    expect(xml.text).to.not.include('内部');

    const json = await poll(started, t.clock.now(), 'json');
    const items = json.body.filter((u: { service_request_id: string }) => u.service_request_id === c.caseNo);
    for (const u of items) expectSchema('mysocietyUpdate', u);
    expect(items.map((u: { update_id: string }) => u.update_id)).to.deep.equal(mine.map((u: { update_id: string }) => u.update_id));

    // The next poll starts where the last ended: only what happened since, with the status carried over.
    const later = await poll(middle, t.clock.now(), 'json');
    expect(later.body.filter((u: { service_request_id: string }) => u.service_request_id === c.caseNo).map((u: { status: string }) => u.status)).to.deep.equal(['in_progress', 'fixed']);
  });

  it('given other ways a case ends, then 不予受理 → not_councils_responsibility, 转办 → internal_referral, 并单 → duplicate; confidential cases never show', async () => {
    const from = t.clock.now();
    const refused = await post();
    const transferred = await post();
    const parent = await post();
    const merged = await post();
    const secret = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', category: 'water', title: '保密件', confidential: true } });
    await step(async () => {
      expect((await t.call('POST', `/api/v1/cases/${refused.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '属劳动争议', legalRoute: '劳动仲裁' } })).status).to.equal(200);
      expect((await t.call('POST', `/api/v1/cases/${transferred.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '110', reason: '治安' } })).status).to.equal(200);
      expect((await t.call('POST', `/api/v1/cases/${merged.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: parent.id } })).status).to.equal(200);
      expect((await t.call('POST', `/api/v1/cases/${secret.body.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '110', reason: '治安' } })).status).to.equal(200);
    });
    const a = await poll(from, t.clock.now(), 'json');
    for (const u of a.body) expectSchema('mysocietyUpdate', u);
    const last = (caseNo: string) => a.body.filter((u: { service_request_id: string }) => u.service_request_id === caseNo).at(-1);
    expect(last(refused.caseNo)).to.include({ status: 'not_councils_responsibility' });
    expect(a.body.find((u: { service_request_id: string; external_status_code: string }) => u.service_request_id === refused.caseNo && u.external_status_code === 'not_accepted').description).to.equal('不予受理：属劳动争议（劳动仲裁）');
    expect(last(transferred.caseNo)).to.include({ status: 'internal_referral' });
    expect(last(merged.caseNo)).to.include({ status: 'duplicate' });
    expect(a.body.map((u: { service_request_id: string }) => u.service_request_id)).to.not.include(secret.body.caseNo);
  });

  it('when FixMyStreet posts a citizen\'s update, then it lands on the timeline as a public note with its author sealed; a retry gets the same update_id', async () => {
    const c = await post();
    const form = {
      jurisdiction_id: 'yuquan', api_key: 'fms-key', service_request_id: c.caseNo, updated_datetime: toW3c(t.clock.now())!, status: 'OPEN',
      description: '今天还是没水', first_name: 'Han', last_name: 'Meimei', email: 'han@example.cn', update_id: 'fms-comment-77',
    };
    const a = await open311(t, 'POST', '/servicerequestupdates.xml', { form });
    expect(a.status, a.text).to.equal(201);
    const [answer] = readXml(a.text, 'service_request_updates').request_update;
    expect(answer.update_id).to.match(/^citizen-\d+$/);
    const again = await open311(t, 'POST', '/servicerequestupdates.json', { form });
    expect(again.status, again.text).to.equal(201);
    expect(again.body).to.deep.equal([{ update_id: answer.update_id }]);

    const rows = await t.db.knex('citizen_updates').where({ case_id: c.id });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ body: '今天还是没水', client_update_id: 'fms-comment-77', channel: 'open311' });
    const stored = JSON.stringify(rows) + JSON.stringify(await t.db.knex('case_events').where({ case_id: c.id }));
    for (const personal of ['han@example.cn', 'Meimei']) expect(stored).to.not.include(personal);
    expect(t.app.ctx.sealer.open(rows[0].author_email_enc)).to.equal('han@example.cn');

    const d = await caseDetail(t, c.id, 'yuquan.dispatcher');
    expect(d.citizenUpdates.map((u: { body: string }) => u.body)).to.deep.equal(['今天还是没水']);
    expect(d.timeline.at(-1)).to.deep.include({ type: 'case.citizen_update', actor: 'citizen' });
    // The case's status is not the citizen's to change, and the note is not progress: GET leaves it out.
    expect(d.status).to.equal('open');
    const polled = await poll(new Date(t.clock.now().getTime() - MINUTE), t.clock.now(), 'json');
    expect(polled.body.map((u: { update_id: string }) => u.update_id)).to.not.include(answer.update_id);
  });

  it('refuses what a client can fix, in the spec\'s error shape', async () => {
    expectError(await open311(t, 'POST', '/servicerequestupdates.xml', { form: { jurisdiction_id: 'yuquan', service_request_id: 'YQ-NOPE', description: 'x' } }), 404, 'request_not_found');
    const c = await post();
    expectError(await open311(t, 'POST', '/servicerequestupdates.json', { form: { jurisdiction_id: 'yuquan', service_request_id: c.caseNo } }), 400, 'description_missing');
    expectError(await open311(t, 'GET', '/servicerequestupdates.json'), 400, 'jurisdiction_id_missing');
    expectError(await open311(t, 'GET', `/servicerequestupdates.json?${J}&start_date=2026-01-01&end_date=2026-12-31`), 400, 'date_range_too_long');
  });
});
