import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, loginAs, requireBrowser, type BrowserSession } from '../support/browser.ts';
import { complete, submit } from '../support/cases.ts';
import { DAY } from '../../server/clock/index.ts';
import { sweepSla } from '../../server/sla/index.ts';

describe('e2e: an auditor reviews SLA breaches and exports them', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const cases: Record<string, { id: number; caseNo: string }> = {};

  before(async function () {
    requireBrowser(this);
    // Start ten days back so every due time and breach lies in the dashboard's default period.
    t = await startTestApp({ clockStart: new Date(Date.now() - 10 * DAY).toISOString() });
    cases.water = await submit(t, { region: 'yuquan', category: 'water', title: '停水两天' });
    cases.road = await submit(t, { region: 'yuquan', category: 'road', title: '井盖缺失' });
    cases.done = await submit(t, { region: 'yuquan', category: 'consult', title: '咨询社保政策' });
    cases.other = await submit(t, { region: 'saihan', category: 'water', title: '赛罕区停水' });
    // One case handled at once and rated, so the rates have something to show.
    await complete(t, cases.done.id, 'dispatch', 'yuquan.dispatcher', { department: 'civil-affairs' });
    await complete(t, cases.done.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, cases.done.id, 'resolve', 'yuquan.handler', { resolution: '已电话解答' });
    await complete(t, cases.done.id, 'reply', 'yuquan.handler', { replyText: '已解答' });
    await complete(t, cases.done.id, 'evaluate', 'yuquan.dispatcher', { score: 5 });
    t.clock.advance(3 * DAY);
    await sweepSla(t.app.ctx);
    b = await launchBrowser(t.url);
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it("shows the region's breaches, the rate tiles and the weekly chart", async () => {
    await loginAs(page, 'yuquan.auditor');
    expect(new URL(page.url()).pathname).to.equal('/audit');
    await page.waitForSelector('[data-test=breach-table] tbody tr');
    const table = await page.textContent('[data-test=breach-table]');
    expect(table).to.contain(cases.water.caseNo).and.contain(cases.road.caseNo).and.not.contain(cases.other.caseNo);
    await page.waitForSelector('[data-test=tile-satisfaction] .tile-value');
    expect(await page.textContent('[data-test=tile-satisfaction] .tile-value')).to.equal('100.0%');
    expect(await page.textContent('[data-test=tile-response]')).to.contain('响应率');
    await page.waitForSelector('svg.chart rect.bar', { state: 'attached' });
    const heights = await page.$$eval('svg.chart rect.bar', (bars) => bars.map((r) => Number(r.getAttribute('height'))));
    expect(heights).to.have.length(8);
    expect(heights.some((h) => h > 0)).to.equal(true);
    await b.screenshot(page, 'audit-dashboard');
  });

  it('exports the breaches as CSV that Excel and WPS open (BOM, Chinese headers)', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
    expect(download.suggestedFilename()).to.match(/\.csv$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    expect(text).to.contain('工单编号').and.contain(cases.water.caseNo).and.not.contain(cases.other.caseNo);
  });

  it('filters by category', async () => {
    await page.selectOption('[data-test=breach-filters] select[name=category]', 'water');
    await page.click('[data-test=breach-filters] button[type=submit]');
    await page.waitForURL(/category=water/);
    await page.waitForSelector('[data-test=breach-table] tbody tr');
    const table = await page.textContent('[data-test=breach-table]');
    expect(table).to.contain(cases.water.caseNo).and.not.contain(cases.road.caseNo);
  });

  it("checks a case's hash chain, and sees a row edited in SQL break it", async () => {
    // Auditors type the number printed on the work order, in whatever letter case (issue 13 item 4).
    await page.fill('input[name=caseId]', ` ${cases.water.caseNo.toLowerCase()} `);
    await page.click('form:has(input[name=caseId]) button[type=submit]');
    await page.waitForSelector('[data-test=verify-result] .alert.ok');
    expect(await page.textContent('[data-test=verify-result]')).to.contain('记录完整');

    await t.db.knex('case_events').where({ case_id: cases.water.id, seq: 1 }).update({ data: JSON.stringify({ title: '改过的' }) });
    await page.click('form:has(input[name=caseId]) button[type=submit]');
    await page.waitForSelector('[data-test=verify-result] .alert.error');
    expect(await page.textContent('[data-test=verify-result]')).to.contain('第 1 条');
    await b.screenshot(page, 'audit-verify-broken');
  });

  it('opens a breached case from the table, read-only', async () => {
    await page.click(`[data-test=breach-table] a[href="/cases/${cases.water.id}"]`);
    await page.waitForSelector('.djs-element.path-current[data-element-id="dispatch"]');
    expect(await page.locator('[data-test=comment-form]').count()).to.equal(0);
    expect(await page.locator('[data-test=task-form]').count()).to.equal(0);
    // The case's own limits show beside the task's, judged by the server's clock (the test moved it).
    const clocks = await page.textContent('[data-test=sla-clocks]');
    expect(clocks).to.contain('响应时限').and.to.contain('办结时限');
    expect(await page.locator('[data-test=sla-clocks] li.clock.overdue').count()).to.be.greaterThan(0);
    await b.screenshot(page, 'case-view-auditor');
  });

  it('ends the default range at the end of today in China time, also between 00:00 and 08:00 there (UTC still says yesterday)', async () => {
    const early = await b.context.newPage();
    await early.clock.setFixedTime(new Date('2026-12-02T20:30:00Z')); // 3 December, 04:30 in Beijing
    await early.goto(new URL('/audit', t.url).toString());
    await early.waitForSelector('[data-test=breach-filters] input[name=to]');
    expect(await early.inputValue('[data-test=breach-filters] input[name=to]')).to.equal('2026-12-03');
    // In the evening it is today, not tomorrow: the API's date-only `to` includes its whole day.
    await early.clock.setFixedTime(new Date('2026-12-02T10:00:00Z')); // 2 December, 18:00 in Beijing
    await early.reload();
    await early.waitForSelector('[data-test=breach-filters] input[name=to]');
    expect(await early.inputValue('[data-test=breach-filters] input[name=to]')).to.equal('2026-12-02');
    await early.close();
  });

  it('logged no console errors', () => {
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
