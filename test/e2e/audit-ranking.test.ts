import { expect } from 'chai';
import type { Page, Response } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, loginAs, overflowsX, requireBrowser, type BrowserSession } from '../support/browser.ts';
import { complete, submit } from '../support/cases.ts';
import { DAY } from '../../server/clock/index.ts';
import { sweepSla } from '../../server/sla/index.ts';

/**
 * 考核排名 in Chromium (issue 13 item 4): the region's leader opens /audit from the top bar,
 * sees its units (by name, code beside) and categories ranked, re-sorts them, and no call
 * the page makes is refused; at phone width the ranking scrolls inside its card.
 */
describe('e2e: a leader ranks the region’s units and categories on /audit', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const refused: string[] = [];
  const firstKeys = (table: 'units' | 'categories') => page.$$eval(`[data-test=ranking-${table}] tbody tr`, (rows) => rows.map((r) => r.getAttribute('data-key')));

  before(async function () {
    requireBrowser(this);
    // Ten days back, so every case and breach lies in the page's default period (eight weeks to today).
    t = await startTestApp({ clockStart: new Date(Date.now() - 10 * DAY).toISOString() });
    await t.app.ctx.runtime.runner.warm();
    const a = await submit(t, { region: 'yuquan', category: 'road', title: '井盖缺失' });
    const bb = await submit(t, { region: 'yuquan', category: 'road', title: '路面坑洼' });
    const c = await submit(t, { region: 'yuquan', category: 'consult', title: '咨询低保政策' });
    await submit(t, { region: 'saihan', category: 'water', title: '赛罕区停水' });
    await complete(t, a.id, 'dispatch', 'yuquan.dispatcher', { department: 'housing' });
    await complete(t, bb.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    // 住建局 answers at once to a satisfied citizen; 城市管理局 to a dissatisfied one, and lets C's response run late.
    for (const [id, score] of [[a.id, 5], [bb.id, 2]] as const) {
      await complete(t, id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
      await complete(t, id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
      await complete(t, id, 'reply', 'yuquan.handler', { replyText: '已修复' });
      await complete(t, id, 'evaluate', 'yuquan.dispatcher', { score });
    }
    // Eight calendar days hold C's one working day to respond whatever weekday the run starts on.
    t.clock.advance(8 * DAY);
    await sweepSla(t.app.ctx);
    b = await launchBrowser(t.url);
    b.context.on('response', (r: Response) => {
      if (r.status() === 401 || r.status() === 403) refused.push(`${r.status()} ${r.url()}`);
    });
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('opens /audit from the top bar and sees units by name, worst response rate first', async () => {
    await loginAs(page, 'yuquan.leader');
    await page.click('#topbar nav a[href="/audit"]');
    await page.waitForSelector('[data-test=ranking-units] tbody tr');
    expect(await firstKeys('units')).to.deep.equal(['city-management', 'housing']);
    const units = await page.textContent('[data-test=ranking-units]');
    expect(units).to.contain('城市管理局').and.contain('city-management').and.contain('住建局').and.contain('响应率').and.contain('按期办结率');
    // 城市管理局: one of two responses on time, shown with its counts.
    expect(await page.textContent('[data-test=ranking-units] tr[data-key=city-management] td[data-rate=responseRate]')).to.equal('50.0%1 / 2');
    const categories = await page.textContent('[data-test=ranking-categories]');
    expect(categories).to.contain('城乡建设 / 道路障碍/占道').and.contain('综合 / 政策咨询');
    expect(await firstKeys('categories')).to.deep.equal(['consult', 'road']);
    await page.waitForSelector('[data-test=breach-table] tbody tr');
    // The hash-chain check is the auditors': a leader is not offered it.
    expect(await page.locator('[data-test=verify-result]').count()).to.equal(0);
    await b.screenshot(page, 'audit-ranking-leader');
  });

  it('re-sorts by the chosen rate, best first, and keeps the choice in the URL', async () => {
    await page.selectOption('[data-test=ranking-sort] select[name=order]', 'best');
    await page.waitForSelector('[data-test=ranking-units][data-order="responseRate:best"]');
    expect(await firstKeys('units')).to.deep.equal(['housing', 'city-management']);
    expect(await firstKeys('categories')).to.deep.equal(['road', 'consult']);
    await page.selectOption('[data-test=ranking-sort] select[name=rank]', 'satisfactionRate');
    await page.waitForSelector('[data-test=ranking-units][data-order="satisfactionRate:best"]');
    expect(await page.textContent('[data-test=ranking-units] th.sorted')).to.equal('满意率');
    expect(await firstKeys('units')).to.deep.equal(['housing', 'city-management']);
    // consult has no evaluation yet: no figure, so last even among the best.
    expect(await firstKeys('categories')).to.deep.equal(['road', 'consult']);
    expect(page.url()).to.contain('rank=satisfactionRate').and.contain('order=best');
    await page.reload();
    await page.waitForSelector('[data-test=ranking-units][data-order="satisfactionRate:best"]');
    expect(await page.inputValue('[data-test=ranking-sort] select[name=rank]')).to.equal('satisfactionRate');
  });

  it('reads in English after the language switch', async () => {
    await page.click('[data-test=lang]');
    await page.waitForSelector('[data-test=ranking] h2:has-text("Performance ranking")');
    const text = await page.textContent('[data-test=ranking]');
    expect(text).to.contain('By unit').and.contain('By category').and.contain('Satisfaction rate').and.contain('Best first');
    await b.screenshot(page, 'audit-ranking-en');
    await page.click('[data-test=lang]');
    await page.waitForSelector('[data-test=ranking] h2:has-text("考核排名")');
  });

  it('at phone width the ranking scrolls inside its card, not the page', async () => {
    const phone = await b.open('/audit', { phone: true });
    await phone.waitForSelector('[data-test=ranking-units] tbody tr');
    await phone.waitForSelector('[data-test=breach-table] tbody tr');
    expect(await overflowsX(phone)).to.equal(false);
    const wrap = await phone.$eval('[data-test=ranking] .ranking-wrap', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(wrap.scroll).to.be.greaterThan(wrap.client);
    // Still a table at phone width (columns to compare), not stacked cards.
    expect(await phone.$eval('[data-test=ranking-units] thead', (el) => getComputedStyle(el).display)).to.equal('table-header-group');
    await b.screenshot(phone, 'audit-ranking-phone');
    await phone.close();
  });

  it('was refused nothing, and logged no console errors', () => {
    expect(refused).to.deep.equal([]);
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
