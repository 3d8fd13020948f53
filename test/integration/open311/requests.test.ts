import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete } from '../../support/cases.ts';
import { DAY } from '../../../server/clock/index.ts';
import { asXmlText, expectError, expectSchema, open311, readXml } from './open311.ts';

const PHONE = '19900000311';
const J = 'jurisdiction_id=yuquan';

describe('open311: requests (GeoReport v2) — submit, track, privacy, validation', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const form = (extra: Record<string, string> = {}) => ({
    api_key: 'any-key', jurisdiction_id: 'yuquan', service_code: 'water', lat: '40.8012', long: '111.6588',
    address_string: '玉泉区大南街12号', description: '小区停水两天了\n请尽快处理', phone: PHONE, first_name: '小明', last_name: '王',
    email: 'wang@example.cn', media_url: 'https://img.example.cn/a.jpg?x=1&y=2', ...extra,
  });
  const caseRow = (caseNo: string) => t.db.knex('cases').where({ case_no: caseNo }).first();
  const trackingCodeOf = (notice: string) => /查询码 ([A-Z2-9]{8})/.exec(notice)![1];

  it('a form-encoded POST (XML) creates a case on channel open311 with the contact sealed, visible in /api/v1/cases/:id', async () => {
    const a = await open311(t, 'POST', '/requests.xml', { form: form() });
    expect(a.status, a.text).to.equal(201);
    expect(a.type).to.match(/^text\/xml/);
    const [created] = readXml(a.text, 'service_requests').request;
    expect(created.service_request_id).to.match(/^YQ\d{14}$/);
    expect(created.service_notice).to.match(/查询码 [A-Z2-9]{8}/);
    expect(created.account_id).to.equal('');
    const row = await caseRow(created.service_request_id);
    expect(row).to.include({ region_id: 'yuquan', channel: 'open311', category: 'water', title: '小区停水两天了' });
    expect(row.location).to.deep.equal({ address: '玉泉区大南街12号', lat: 40.8012, lng: 111.6588 });
    // Sealed: neither the phone, the name nor the e-mail is stored as text anywhere.
    const stored = JSON.stringify(row) + JSON.stringify(await t.db.knex('case_events').where({ case_id: row.id }));
    for (const secret of [PHONE, '王小明', 'wang@example.cn']) expect(stored).to.not.include(secret);
    expect(row.contact_phone_enc).to.be.a('string');

    const detail = await caseDetail(t, Number(row.id), 'yuquan.dispatcher');
    expect(detail.channel).to.equal('open311');
    expect(detail.contact).to.include({ phone: PHONE, name: '王小明', masked: false });
    expect(detail.description).to.include('[media_url] https://img.example.cn/a.jpg?x=1&y=2');
  });

  it('a JSON POST (numbers as numbers, empty optional fields as absent) answers the spec\'s JSON', async () => {
    const a = await open311(t, 'POST', '/requests.json', {
      json: { jurisdiction_id: 'yuquan', service_code: 'noise', lat: 40.8, long: 111.65, description: '夜间施工噪音', phone: 19900000312, email: '', media_url: '' },
    });
    expect(a.status, a.text).to.equal(201);
    expectSchema('postResponse', a.body);
    expect(a.body).to.have.length(1);
    const row = await caseRow(a.body[0].service_request_id);
    expect(row).to.include({ channel: 'open311', category: 'noise' });
    expect(JSON.stringify(row)).to.not.include('19900000312');
  });

  it('GET by id in JSON and XML: public fields only, the link split back out, datetimes with +08:00', async () => {
    const a = await open311(t, 'POST', '/requests.json', { form: form({ description: '水管爆裂，联系电话13912345678' }) });
    const id = a.body[0].service_request_id;
    await t.call('POST', `/api/v1/cases/${(await caseRow(id)).id}/comments`, { as: 'yuquan.dispatcher', body: { body: '内部意见：王小明是老上访户' } });

    const one = await open311(t, 'GET', `/requests/${id}.json?${J}`);
    expect(one.status, one.text).to.equal(200);
    expectSchema('requests', one.body);
    expect(one.body).to.have.length(1);
    const r = one.body[0];
    expect(r).to.include({
      service_request_id: id, status: 'open', service_code: 'water', service_name: '水电气热', address: '玉泉区大南街12号', lat: 40.8012, long: 111.6588,
      media_url: 'https://img.example.cn/a.jpg?x=1&y=2',
    });
    // A phone number typed into the text is masked; the tracking code stays with the submitter.
    expect(r.description).to.equal('水管爆裂，联系电话139****5678');
    expect(r.requested_datetime).to.match(/^2026-03-02T09:00:00\+08:00$/);
    expect(r.status_notes).to.equal('已受理 received');
    for (const secret of [PHONE, '王小明', '小明', 'wang@', '内部意见', '13912345678', trackingCodeOf(a.body[0].service_notice), 'yuquan.']) expect(one.text).to.not.include(secret);

    const xml = await open311(t, 'GET', `/requests/${id}.xml?${J}`);
    expect(xml.status).to.equal(200);
    expect(readXml(xml.text, 'service_requests').request).to.deep.equal(asXmlText(one.body));

    expectError(await open311(t, 'GET', `/requests/${id}.json?jurisdiction_id=saihan`), 404, 'request_not_found');
    expectError(await open311(t, 'GET', `/requests/${id}.json`), 400, 'jurisdiction_id_missing');
    expectError(await open311(t, 'GET', `/requests/YQ0.xml?${J}`), 404, 'request_not_found');
  });

  it('walked to the end (dispatch → … → evaluation) the request reads closed, with the public reply and the unit, never a person', async () => {
    const a = await open311(t, 'POST', '/requests.json', { form: form({ description: '单元楼停水' }) });
    const caseNo = a.body[0].service_request_id;
    const id = Number((await caseRow(caseNo)).id);
    await complete(t, id, 'dispatch', 'yuquan.dispatcher', { department: 'water-utility', dispatchNote: '派给水务，注意王小明情绪' });
    const dispatched = (await open311(t, 'GET', `/requests/${caseNo}.json?${J}`)).body[0];
    expect(dispatched).to.include({ status: 'open', agency_responsible: '水务公司' });
    await complete(t, id, 'verify', 'yuquan.handler', { valid: true, finding: '内部核实：阀门故障' });
    await complete(t, id, 'resolve', 'yuquan.handler', { resolution: '更换阀门（内部记录）' });
    await complete(t, id, 'reply', 'yuquan.handler', { replyText: '已恢复供水 <阀门&管道> 已更换' });
    const ev = await t.call('POST', `/api/v1/track/${caseNo}/evaluation`, { body: { code: trackingCodeOf(a.body[0].service_notice), score: 5 } });
    expect(ev.status, ev.text).to.equal(201);
    expect((await caseDetail(t, id)).status).to.equal('closed');

    const res = await open311(t, 'GET', `/requests/${caseNo}.json?${J}`);
    expectSchema('requests', res.body);
    const r = res.body[0];
    expect(r).to.include({ status: 'closed', status_notes: '已恢复供水 <阀门&管道> 已更换', agency_responsible: '水务公司' });
    const row = await caseRow(caseNo);
    expect(new Date(r.updated_datetime).getTime()).to.equal(new Date(row.closed_at).getTime());
    const clock = await t.db.knex('sla_clocks').where({ case_id: id, kind: 'resolution' }).first('due_at');
    expect(r.expected_datetime === null ? null : new Date(r.expected_datetime).getTime()).to.equal(clock ? new Date(clock.due_at).getTime() : null);
    for (const secret of ['王小明', PHONE, '派给水务', '内部核实', '内部记录', 'yuquan.handler', 'yuquan.dispatcher', 'water-utility']) expect(res.text).to.not.include(secret);

    const xml = await open311(t, 'GET', `/requests/${caseNo}.xml?${J}`);
    expect(xml.text).to.include('<status_notes>已恢复供水 &lt;阀门&amp;管道&gt; 已更换</status_notes>');
    expect(readXml(xml.text, 'service_requests').request[0].status_notes).to.equal('已恢复供水 <阀门&管道> 已更换');

    const closed = await open311(t, 'GET', `/requests.json?${J}&status=closed`);
    expect(closed.body.map((x: { service_request_id: string }) => x.service_request_id)).to.deep.equal([caseNo]);
    const open = await open311(t, 'GET', `/requests.json?${J}&status=open`);
    expect(open.body.map((x: { service_request_id: string }) => x.service_request_id)).to.not.include(caseNo);
    const both = await open311(t, 'GET', `/requests.json?${J}&status=open,closed`);
    expect(both.body.length).to.equal(open.body.length + 1);
  });

  it('descriptions with <&> and quotes survive XML escaping; characters XML cannot carry are dropped', async () => {
    const text = 'a < b && c > d "quoted" \'single\' ]]> <script>alert(1)</script>';
    const a = await open311(t, 'POST', '/requests.xml', { form: form({ description: `${text}\u0001`, media_url: '' }) });
    expect(a.status, a.text).to.equal(201);
    const caseNo = readXml(a.text, 'service_requests').request[0].service_request_id;
    const xml = await open311(t, 'GET', `/requests/${caseNo}.xml?${J}`);
    expect(xml.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(xml.text).to.include('a &lt; b &amp;&amp; c &gt; d');
    expect(xml.text).to.not.include('<script>');
    const r = readXml(xml.text, 'service_requests').request[0];
    expect(r.description).to.equal(text);
    expect(r.media_url).to.equal('');
    const json = await open311(t, 'GET', `/requests/${caseNo}.json?${J}`);
    expect(json.body[0].description).to.equal(`${text}\u0001`);
  });

  it('GET requests: by ids (overriding other filters), by service codes, by date window; other jurisdictions never show', async () => {
    const mk = async (extra: Record<string, string>) => (await open311(t, 'POST', '/requests.json', { form: form(extra) })).body[0].service_request_id as string;
    const road = await mk({ service_code: 'road', description: '井盖缺失' });
    const other = await mk({ service_code: 'other', description: '其他事项' });
    const elsewhere = await mk({ jurisdiction_id: 'saihan', service_code: 'road', description: '赛罕的井盖' });

    const byIds = await open311(t, 'GET', `/requests.json?${J}&service_request_id=${road},${other},${elsewhere}&service_code=water&status=closed`);
    expect(byIds.status, byIds.text).to.equal(200);
    expectSchema('requests', byIds.body);
    expect(byIds.body.map((x: { service_request_id: string }) => x.service_request_id).sort()).to.deep.equal([road, other].sort());

    const roads = await open311(t, 'GET', `/requests.json?${J}&service_code=road,other`);
    expect(roads.body.map((x: { service_request_id: string }) => x.service_request_id)).to.have.members([road, other]);
    const all = await open311(t, 'GET', `/requests.xml?${J}`);
    const ids = readXml(all.text, 'service_requests').request.map((x: { service_request_id: string }) => x.service_request_id);
    expect(ids).to.include(road).and.not.include(elsewhere);
    expect(JSON.stringify(ids)).to.not.include('SH');

    const future = await open311(t, 'GET', `/requests.json?${J}&start_date=2026-03-03T00:00:00%2B08:00&end_date=2026-03-20T00:00:00Z`);
    expect(future.status, future.text).to.equal(200);
    expect(future.body).to.deep.equal([]);
    const today = await open311(t, 'GET', `/requests.json?${J}&start_date=2026-03-02`);
    expect(today.body.map((x: { service_request_id: string }) => x.service_request_id)).to.include(road);
  });

  it('GET requests validates its filters: a range over 90 days, a bad date, an unknown status or service code → 400', async () => {
    expectError(await open311(t, 'GET', `/requests.json?${J}&start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z`), 400, 'date_range_too_long');
    expectError(await open311(t, 'GET', `/requests.json?${J}&start_date=2026-03-05T00:00:00Z&end_date=2026-03-01T00:00:00Z`), 400, 'date_range_invalid');
    expectError(await open311(t, 'GET', `/requests.json?${J}&start_date=yesterday`), 400, 'start_date_invalid');
    expectError(await open311(t, 'GET', `/requests.xml?${J}&status=pending`), 400, 'status_invalid');
    expectError(await open311(t, 'GET', `/requests.json?${J}&service_code=potholes`), 400, 'service_code_invalid');
    expectError(await open311(t, 'GET', '/requests.json'), 400, 'jurisdiction_id_missing');
  });

  it('POST validation: spec errors with stable codes, 400 for bad input and 404 for unknown things, in the requested format', async () => {
    const post = (fields: Record<string, string>, fmt = 'json') => open311(t, 'POST', `/requests.${fmt}`, { form: fields });
    const without = (k: string) => Object.fromEntries(Object.entries(form()).filter(([key]) => key !== k));
    expectError(await post(without('service_code')), 400, 'service_code_missing');
    expectError(await post(form({ service_code: '' }), 'xml'), 400, 'service_code_missing');
    expectError(await post(form({ service_code: 'potholes' })), 404, 'service_code_unknown');
    expectError(await post(without('jurisdiction_id')), 400, 'jurisdiction_id_missing');
    expectError(await post(form({ jurisdiction_id: 'atlantis' }), 'xml'), 404, 'jurisdiction_unknown');
    expectError(await post(form({ lat: '', long: '', address_string: '' })), 400, 'location_missing');
    expectError(await post(form({ long: '' })), 400, 'location_incomplete');
    expectError(await post(form({ lat: '91' })), 400, 'lat_invalid');
    expectError(await post(form({ description: 'x'.repeat(4001) })), 400, 'description_too_long');
    expectError(await post(form({ phone: 'call me' })), 400, 'phone_invalid');
    expectError(await post(form({ email: 'not-an-email' })), 400, 'email_invalid');
    expectError(await post(form({ media_url: 'ftp://files.example.cn/a.jpg' })), 400, 'media_url_invalid');
    expectError(await open311(t, 'POST', '/requests.json', { raw: '{"service_code": ' }), 400, 'malformed_body');
    expectError(await open311(t, 'POST', '/requests.xml', { raw: '{"service_code": ' }), 400, 'malformed_body');
    expectError(await post(form(), 'csv'), 404, 'format_unsupported');
    // Only the address: enough.
    const ok = await post(form({ lat: '', long: '', phone: '', first_name: '', last_name: '' }));
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body[0].service_notice).to.include('未留电话号码');
    expect((await caseRow(ok.body[0].service_request_id)).contact_phone_enc).to.equal(null);
  });

  it('GET requests by default covers the last 90 days only', async () => {
    const old = (await open311(t, 'POST', '/requests.json', { form: form({ description: '很久以前' }) })).body[0].service_request_id;
    t.clock.advance(91 * DAY);
    const fresh = (await open311(t, 'POST', '/requests.json', { form: form({ description: '现在' }) })).body[0].service_request_id;
    const list = await open311(t, 'GET', `/requests.json?${J}`);
    const ids = list.body.map((x: { service_request_id: string }) => x.service_request_id);
    expect(ids).to.include(fresh).and.not.include(old);
    // Still there by id.
    expect((await open311(t, 'GET', `/requests.json?${J}&service_request_id=${old}`)).body).to.have.length(1);
  });
});
