import { expect } from 'chai';
import { DAY, HOUR } from '../../../server/clock/index.ts';
import { sweepSla } from '../../../server/sla/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { submit } from '../../support/cases.ts';

describe('sla/weekly: breaches per week for the dashboard chart, counted over every record', function () {
  let t: TestApp;
  before(async () => {
    // Monday 2026-03-02 09:00 China time.
    t = await startTestApp();
    for (let i = 0; i < 3; i++) await submit(t, { region: 'hongshan', category: 'road', title: `第一周 ${i}` });
    t.clock.advance(7 * DAY);
    await submit(t, { region: 'hongshan', category: 'road', title: '第二周' });
    await submit(t, { region: 'yuquan', category: 'road', title: '别的区域' });
    t.clock.advance(3 * HOUR);
    await sweepSla(t.app.ctx);
  });
  after(async () => t?.close());

  it('given breaches in two weeks, when the auditor asks per week, then each week counts its own region’s records, with the same filters as the table', async () => {
    const all = await t.call('GET', '/api/v1/sla/breaches?pageSize=1', { as: 'hongshan.auditor' });
    const res = await t.call('GET', '/api/v1/sla/breaches/weekly', { as: 'hongshan.auditor' });
    expect(res.status, res.text).to.equal(200);
    const total = res.body.weeks.reduce((n: number, w: { count: number }) => n + w.count, 0);
    // More records than the one-row page: the chart no longer depends on what the table shows.
    expect(total).to.equal(all.body.total).and.to.be.greaterThan(1);
    expect(res.body.weeks.map((w: { week: string }) => w.week)).to.deep.equal(['2026-03-02', '2026-03-09']);
    const [first, second] = res.body.weeks;
    expect(first.count).to.be.greaterThan(second.count);

    const filtered = await t.call('GET', '/api/v1/sla/breaches/weekly?from=2026-03-09', { as: 'hongshan.auditor' });
    expect(filtered.body.weeks.map((w: { week: string }) => w.week)).to.deep.equal(['2026-03-09']);
    expect((await t.call('GET', '/api/v1/sla/breaches/weekly?region=yuquan', { as: 'hongshan.auditor' })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/sla/breaches/weekly', { as: 'hongshan.handler' })).status).to.equal(403);
  });
});
