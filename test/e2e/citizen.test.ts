import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { complete, openElements } from '../support/cases.ts';

/** A real 1×1 PNG, so the browser renders it without errors. */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describe('e2e: a citizen submits, tracks and evaluates on a phone', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let caseNo = '';
  let code = '';

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/citizen', { phone: true });
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('submits a request without logging in and gets a case number and tracking code', async () => {
    await page.selectOption('[data-test=citizen-form] select[name=region]', 'yuquan');
    // The category through the picker's levels (the keyword search is test/e2e/citizen-catalogue.test.ts).
    await page.selectOption('[data-test=citizen-form] [data-test=category-picker] select[data-level="0"]', 'HJ');
    await page.selectOption('[data-test=citizen-form] [data-test=category-picker] select[data-level="1"]', 'sanitation');
    await page.fill('[data-test=citizen-form] input[name=title]', '垃圾桶满了没人清');
    await page.fill('[data-test=citizen-form] textarea[name=description]', '小区东门垃圾桶三天没清运');
    await page.fill('[data-test=citizen-form] input[name=address]', '玉泉区南二环路 18 号');
    await page.fill('[data-test=citizen-form] input[name=phone]', '13900000002');
    await page.setInputFiles('[data-test=citizen-form] input[name=photo]', { name: 'bin.png', mimeType: 'image/png', buffer: PIXEL_PNG });
    await b.screenshot(page, 'citizen-submit');
    await page.click('[data-test=citizen-form] button[type=submit]');
    await page.waitForSelector('[data-test=citizen-done]');
    caseNo = (await page.textContent('[data-test=case-no]'))!.trim();
    code = (await page.textContent('[data-test=tracking-code]'))!.trim();
    expect(caseNo).to.match(/^YQ\d+/);
    expect(code).to.have.length.greaterThan(3);
    await b.screenshot(page, 'citizen-done');
    const found = await t.db.knex('cases').where({ case_no: caseNo }).first('id', 'category', 'location');
    expect(found.category).to.equal('sanitation');
    expect(found.location).to.deep.equal({ address: '玉泉区南二环路 18 号' });
    expect(await page.locator('[data-test=citizen-done] .alert').count(), 'no "photo not uploaded" note').to.equal(0);
    const photo = await t.db.knex('case_attachments').where({ case_id: found.id }).first('purpose', 'media_type');
    expect(photo).to.deep.equal({ purpose: 'citizen', media_type: 'image/png' });
  });

  it('tracks its progress with the number and code', async () => {
    await page.click('[data-test=citizen-done] a.button');
    await page.waitForSelector('[data-test=track-result]');
    expect(await page.textContent('[data-test=track-steps]')).to.contain('已受理');
    expect(await page.locator('[data-test=track-your-photos] img').count()).to.equal(1);
    expect(await page.locator('[data-test=evaluation-form]').count()).to.equal(0);
    await b.screenshot(page, 'citizen-track');
  });

  it('evaluates once the department has replied, once only', async () => {
    const { id } = await t.db.knex('cases').where({ case_no: caseNo }).first('id');
    await complete(t, id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    await complete(t, id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, id, 'resolve', 'yuquan.handler', { resolution: '已安排清运' });
    await complete(t, id, 'reply', 'yuquan.handler', { replyText: '垃圾已清运完毕，感谢反映' });
    expect(await openElements(t, id)).to.deep.equal(['evaluate']);

    await page.reload();
    await page.waitForSelector('[data-test=evaluation-form]');
    expect(await page.textContent('[data-test=track-reply]')).to.contain('垃圾已清运完毕');
    await page.click('[data-test=evaluation-form] .stars label[title="5"]');
    await page.fill('[data-test=evaluation-form] textarea[name=comment]', '处理很及时');
    await b.screenshot(page, 'citizen-evaluate');
    await page.click('[data-test=evaluation-form] button[type=submit]');
    await page.waitForSelector('[data-test=evaluated]');
    expect(await page.locator('[data-test=evaluation-form]').count()).to.equal(0);
    expect(await openElements(t, id)).to.deep.equal([]);
    const row = await t.db.knex('cases').where({ id }).first('status');
    expect(row.status).to.equal('closed');
  });

  it('switches to English', async () => {
    await page.click('[data-test=lang]');
    await page.waitForSelector('text=Track a request');
    expect(await page.textContent('[data-test=evaluated]')).to.contain('You rated it 5/5');
    await b.screenshot(page, 'citizen-track-en');
  });

  it('logged no console errors', () => {
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
