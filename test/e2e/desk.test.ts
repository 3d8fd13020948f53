import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, overflowsX, startBrowserApp, type BrowserSession } from '../support/browser.ts';

/**
 * The 12345 desk in Chromium: a dispatcher takes a phone call on /intake (the
 * category from a keyword, a duplicate suggested as they type) and reads out
 * the case number; a second caller's same request is merged (并单) at once; a
 * closed case is found on /cases by phone and by case number.
 */
describe('e2e: the 12345 desk (来电登记, 工单查询)', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let existing: { id: number; caseNo: string };
  let registered = '';

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    // An open case at the lamp the callers will talk about.
    const res = await t.call('POST', '/api/v1/cases', {
      as: 'yuquan.dispatcher',
      body: { region: 'yuquan', category: 'facility', channel: 'hotline', title: '路灯不亮', description: '小区门口路灯坏了', location: { address: '玉泉区人民路 8 号', lat: 40.8, lng: 111.7 } },
    });
    expect(res.status, res.text).to.equal(201);
    existing = res.body;
    page = await b.open('/');
    await loginAs(page, 'yuquan.dispatcher');
  });
  after(async () => {
    await b?.close();
    await t?.close();
  });

  /** Fills the caller's request; the category comes from a keyword search. */
  async function typeCall(phone: string) {
    const form = page.locator('[data-test=intake-form]');
    await form.locator('input[name=callerName]').fill('王女士');
    await form.locator('input[name=phone]').fill(phone);
    await form.locator('select[name=requestType]').selectOption('complaint');
    await form.locator('[data-test=category-search]').fill('路灯');
    await form.locator('[data-test=category-hit][data-code=facility]').click();
    await form.locator('input[name=title]').fill('小区门口路灯坏了');
    await form.locator('textarea[name=description]').fill('晚上很黑，老人出门不方便');
    await form.locator('input[name=address]').fill('玉泉区人民路 8 号');
    await form.locator('input[name=lat]').fill('40.8004');
    await form.locator('input[name=lng]').fill('111.7');
  }

  it('takes a phone call on /intake: the duplicate shows while typing, and the case number is read out', async () => {
    await page.click('#topbar a[href="/intake"]');
    await page.waitForSelector('[data-test=intake-form] [data-test=category-picker] select[data-level="0"] option[value=CX]', { state: 'attached' });
    expect(await page.textContent('h1')).to.equal('来电登记');
    await typeCall('13912345678');
    const suggestion = page.locator(`[data-test=dup-list] li[data-case-id="${existing.id}"]`);
    await suggestion.waitFor();
    expect(await suggestion.textContent()).to.contain(existing.caseNo).and.contain('相距 44 米');
    await b.screenshot(page, 'desk-intake');

    await page.click('[data-action=intake-submit]');
    await page.waitForSelector('[data-test=intake-done]');
    registered = (await page.textContent('[data-test=case-no]'))!.trim();
    expect(registered).to.match(/^YQ\d{14}$/);
    expect((await page.textContent('[data-test=tracking-code]'))!.trim()).to.match(/^[A-Z2-9]{8}$/);
    await b.screenshot(page, 'desk-intake-done');

    const found = await t.call('GET', `/api/v1/cases?region=yuquan&phone=13912345678`, { as: 'yuquan.dispatcher' });
    expect(found.body.items.map((c: { caseNo: string }) => c.caseNo)).to.deep.equal([registered]);
    const detail = await t.call('GET', `/api/v1/cases/${found.body.items[0].id}`, { as: 'yuquan.dispatcher' });
    expect(detail.body).to.deep.include({ channel: 'hotline', category: 'facility' });
    expect(detail.body.variables.requestType).to.equal('complaint');
    expect(detail.body.contact.phone).to.equal('13912345678');

    await page.click('[data-action=open-case]');
    await page.waitForURL(/\/cases\/\d+$/);
    await page.waitForSelector('[data-test=request-type]');
    expect(await page.textContent('[data-test=request-type]')).to.contain('投诉');
  });

  it('a second caller with the same lamp: "是同一件，并单" registers the call and merges it', async () => {
    await page.click('#topbar a[href="/intake"]');
    await page.waitForSelector('[data-test=intake-form] select[data-level="0"] option[value=CX]', { state: 'attached' });
    await typeCall('13800001234');
    await page.locator(`[data-test=dup-list] li[data-case-id="${existing.id}"] [data-action=dup-pick]`).click();
    expect(await page.textContent('[data-test=merge-note]')).to.contain(existing.caseNo);
    expect(await page.textContent('[data-action=intake-submit]')).to.equal('登记并并单');
    await page.click('[data-action=intake-submit]');
    await page.waitForSelector('[data-test=merged-into]');
    expect(await page.textContent('[data-test=merged-into]')).to.contain(existing.caseNo);
    const caseNo = (await page.textContent('[data-test=case-no]'))!.trim();
    const found = await t.call('GET', `/api/v1/cases?region=yuquan&caseNo=${caseNo}`, { as: 'yuquan.dispatcher' });
    expect(found.body.items[0]).to.include({ caseNo, status: 'merged' });
    const parent = await t.call('GET', `/api/v1/cases/${existing.id}`, { as: 'yuquan.dispatcher' });
    expect(parent.body.mergedCases.map((c: { caseNo: string }) => c.caseNo)).to.deep.equal([caseNo]);
  });

  it('finds a closed case on /cases by phone and by case number', async () => {
    const id = (await t.call('GET', `/api/v1/cases?region=yuquan&caseNo=${registered}`, { as: 'yuquan.dispatcher' })).body.items[0].id;
    const refused = await t.call('POST', `/api/v1/cases/${id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '属于民事纠纷', legalRoute: '可向人民法院起诉' } });
    expect(refused.status, refused.text).to.equal(200);

    await page.click('#topbar a[href="/cases"]');
    const filters = page.locator('[data-test=case-filters]');
    await filters.locator('input[name=phone]').fill('139 1234 5678');
    await filters.locator('[data-action=case-search]').click();
    await page.waitForURL(/phone=/);
    const row = page.locator(`[data-test=case-table] tr[data-case-id="${id}"]`);
    await row.waitFor();
    expect(await page.locator('[data-test=case-table] tbody tr').count()).to.equal(1);
    expect(await row.textContent()).to.contain(registered).and.contain('不予受理');
    await b.screenshot(page, 'desk-cases-by-phone');

    await filters.locator('input[name=phone]').fill('');
    await filters.locator('input[name=caseNo]').fill(registered.slice(0, -3).toLowerCase());
    await filters.locator('select[name=state]').selectOption('closed');
    await filters.locator('[data-action=case-search]').click();
    await page.waitForURL(/caseNo=/);
    await row.waitFor();
    expect(await page.textContent('[data-test=case-total]')).to.contain('共 1 条');

    await row.locator('a').click();
    await page.waitForURL(new RegExp(`/cases/${id}$`));
  });

  it('reads at phone width: the list and the intake form do not scroll sideways', async () => {
    const phone = await b.open('/cases?state=closed', { phone: true });
    await phone.waitForSelector('[data-test=case-table]');
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'desk-cases-phone');
    await phone.goto('/intake');
    await phone.waitForSelector('[data-test=intake-form] select[data-level="0"] option[value=CX]', { state: 'attached' });
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'desk-intake-phone');
    expect(b.consoleErrors()).to.deep.equal([]);
  });

  it('a handler has the case list without the phone box, and no intake', async () => {
    const p = await b.context.newPage();
    await loginAs(p, 'yuquan.handler');
    expect(await p.locator('#topbar a[href="/intake"]').count()).to.equal(0);
    await p.click('#topbar a[href="/cases"]');
    await p.waitForSelector('[data-test=case-filters]');
    expect(await p.locator('[data-test=case-filters] input[name=phone]').count()).to.equal(0);
    await p.close();
  });
});
