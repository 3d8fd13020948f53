import { expect } from 'chai';
import { HOUR } from '../../../server/clock/index.ts';
import { sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { submit } from '../../support/cases.ts';

describe('sla/auditor API: breaches as JSON and CSV, tamper-evident history', function () {
  let t: TestApp;
  let yuquanCase: { id: number; caseNo: string };
  before(async () => {
    t = await startTestApp();
    yuquanCase = await submit(t, { region: 'yuquan', category: 'road', title: '路灯, "不亮"' });
    await submit(t, { region: 'yuquan', category: 'water', urgency: 'urgent' });
    await submit(t, { region: 'saihan', category: 'road' });
    t.clock.advance(3 * HOUR); // every dispatch task (2 h) is late, and the water case's response (2 h, 水电气热)
    await sweepSla(t.app.ctx);
  });
  after(async () => t?.close());

  it("given breaches in two regions, when an auditor lists them, then only the auditor's region is shown, paged, with the responsible group and times", async () => {
    const res = await t.call('GET', '/api/v1/sla/breaches', { as: 'yuquan.auditor' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.total).to.equal(3);
    expect(res.body.items.every((i: { region: string }) => i.region === 'yuquan')).to.equal(true);
    const item = res.body.items.find((i: { caseId: number }) => i.caseId === yuquanCase.id);
    expect(item).to.include({ kind: 'breach', clock: 'task', elementId: 'dispatch', group: 'dispatchers', groupName: '派单中心', category: 'road', overdueMinutes: 60 });
    const page = await t.call('GET', '/api/v1/sla/breaches?pageSize=1&page=2', { as: 'yuquan.auditor' });
    expect(page.body.items).to.have.length(1);
    expect(page.body.total).to.equal(3);
    const filtered = await t.call('GET', '/api/v1/sla/breaches?category=water&group=dispatchers', { as: 'yuquan.auditor' });
    // The water case's dispatch task and its response clock, both owed by the dispatch centre that holds it.
    expect(filtered.body.items.map((i: { clock: string }) => i.clock).sort()).to.deep.equal(['response', 'task']);
    const period = await t.call('GET', '/api/v1/sla/breaches?from=2026-03-03&to=2026-03-04', { as: 'yuquan.auditor' });
    expect(period.body.total).to.equal(0);
    const all = await t.call('GET', '/api/v1/sla/breaches', { as: 'admin' });
    expect(all.body.total).to.equal(4);
  });

  it('refuses other regions, other roles and writes', async () => {
    expect((await t.call('GET', '/api/v1/sla/breaches?region=saihan', { as: 'yuquan.auditor' })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/sla/breaches', { as: 'yuquan.handler' })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/metrics?from=2026-03-01&to=2026-04-01', { as: 'yuquan.dispatcher' })).status).to.equal(403);
    expect((await t.call('PUT', '/api/v1/calendar/yuquan/2027', { as: 'yuquan.auditor', body: { days: [] } })).status).to.equal(403);
    expect((await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'yuquan.auditor', body: { limits: [] } })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/sla/breaches?from=yesterday', { as: 'yuquan.auditor' })).status).to.equal(422);
  });

  it('exports CSV that Excel and WPS open: UTF-8 BOM, Chinese headers, RFC 4180 quoting, local times', async () => {
    const res = await fetch(`${t.url}/api/v1/sla/breaches?format=csv`, { headers: { authorization: `Bearer ${await t.token('yuquan.auditor')}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).to.match(/attachment; filename="sla-breach-all-2026-03-02\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]!.split(',').slice(0, 5)).to.deep.equal(['记录编号', '类型', '区域', '工单编号', '时限类型']);
    expect(lines).to.have.length(5); // header, 3 rows, final CRLF
    const row = lines.find((l) => l.includes(yuquanCase.caseNo))!;
    expect(row).to.include(',超期,yuquan,');
    expect(row).to.include('环节时限,dispatch,派单,road,一般,派单中心,dispatchers,');
    expect(row).to.include('2026-03-02 09:00:00,2026-03-02 11:00:00,2026-03-02 12:00:00,');
  });

  it('verifies a case history: intact, then broken at the edited row, then broken when the last event is deleted', async () => {
    const ok = await t.call('GET', `/api/v1/audit/cases/${yuquanCase.id}/verify`, { as: 'yuquan.auditor' });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.include({ intact: true, caseNo: yuquanCase.caseNo });
    expect(ok.body.events).to.be.greaterThan(2);
    expect((await t.call('GET', `/api/v1/audit/cases/${yuquanCase.id}/verify`, { as: 'saihan.auditor' })).status).to.equal(404);

    // Someone with database access rewrites who acted in event 2.
    await t.db.knex.raw(`update case_events set actor = 'nobody' where case_id = ? and seq = 2`, [yuquanCase.id]);
    const edited = await t.call('GET', `/api/v1/audit/cases/${yuquanCase.id}/verify`, { as: 'yuquan.auditor' });
    expect(edited.body.intact).to.equal(false);
    expect(edited.body.brokenAt).to.deep.equal({ seq: 2, reason: 'content does not match its hash' });

    const other = await submit(t, { region: 'yuquan', category: 'noise' });
    const { n } = (await t.db.knex('case_events').where({ case_id: other.id }).max('seq as n').first()) as { n: number };
    await t.db.knex.raw('delete from case_events where case_id = ? and seq = ?', [other.id, n]);
    const cut = await t.call('GET', `/api/v1/audit/cases/${other.id}/verify`, { as: 'admin' });
    expect(cut.body.intact).to.equal(false);
    expect(cut.body.brokenAt.seq).to.equal(n);
  });
});
