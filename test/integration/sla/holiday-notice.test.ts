import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { NOTICE_2026 } from '../../unit/sla/notice-2026.ts';

describe('sla/holiday notice API: POST /calendar/:region/:year/notice reads a State Council notice for preview', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given the 2026 notice, when an admin posts it, then the days come back and nothing is saved until the PUT', async () => {
    const res = await t.call('POST', '/api/v1/calendar/yuquan/2026/notice', { as: 'admin', body: { text: NOTICE_2026 } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.days).to.have.length(39);
    expect(res.body.days[0]).to.deep.equal({ day: '2026-01-01', kind: 'holiday', name: '元旦' });
    expect(res.body.outside).to.deep.equal([]);
    expect(res.body.holidays.map((h: { name: string }) => h.name)).to.deep.equal(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    expect((await t.call('GET', '/api/v1/calendar/yuquan/2026', { as: 'admin' })).body.ownDays).to.deep.equal([]);

    const saved = await t.call('PUT', '/api/v1/calendar/yuquan/2026', { as: 'admin', body: { source: '国务院办公厅通知', days: res.body.days } });
    expect(saved.status, saved.text).to.equal(200);
    expect(saved.body.ownDays).to.have.length(39);
  });

  it('refuses a notice it cannot read with the lines named, and one for another year', async () => {
    const bad = await t.call('POST', '/api/v1/calendar/yuquan/2026/notice', { as: 'admin', body: { text: '一、元旦：1月1日至3日放假调休，共4天。\n二、春节：2月15日至23日放假调休，共9天。' } });
    expect(bad.status, bad.text).to.equal(422);
    expect(bad.body.error.code).to.equal('notice_unreadable');
    expect(bad.body.error.details.lines).to.have.length(1);
    expect(bad.body.error.details.lines[0]).to.include({ line: 1 });
    const none = await t.call('POST', '/api/v1/calendar/yuquan/2026/notice', { as: 'admin', body: { text: '你好' } });
    expect(none.body.error.code).to.equal('notice_unreadable');
    const other = await t.call('POST', '/api/v1/calendar/yuquan/2027/notice', { as: 'admin', body: { text: NOTICE_2026 } });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('notice_other_year');
  });

  it('is for administrators only, and a region that does not exist is a 404', async () => {
    expect((await t.call('POST', '/api/v1/calendar/yuquan/2026/notice', { as: 'yuquan.auditor', body: { text: NOTICE_2026 } })).status).to.equal(403);
    expect((await t.call('POST', '/api/v1/calendar/nowhere/2026/notice', { as: 'admin', body: { text: NOTICE_2026 } })).status).to.equal(404);
  });
});
