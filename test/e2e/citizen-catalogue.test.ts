/**
 * The citizen's page offers the region's own request catalogue (issue 12 item 7): a region that
 * adds a 供暖 branch shows it, a node it hides or retires is not offered, and on a phone the
 * citizen finds 供暖不热 by a keyword and the case is taken in under that node's code.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { startBrowserApp, overflowsX, type BrowserSession } from '../support/browser.ts';
import { caseDetail } from '../support/cases.ts';

interface Node {
  code: string;
  name: string;
  keywords?: string[];
  active?: boolean;
  children?: Node[];
}

/** The height of the smallest of these elements, in CSS pixels. */
const smallestHeight = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => Math.min(...els.map((e) => e.getBoundingClientRect().height)));

describe('e2e: the citizen picks the category from the region\'s catalogue on a phone', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const form = () => page.locator('[data-test=citizen-form]');

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    // Given yuquan's catalogue: the default tree without 退役军人 (hidden there), 噪音扰民 retired,
    // and a 供暖 branch whose 供暖不热 is found by the keyword 暖气.
    const defaults = (await t.call('GET', '/api/v1/regions/default/catalogue')).body.nodes as Node[];
    const nodes: Node[] = [
      ...defaults.filter((n) => n.code !== 'TY').map((n) => ({ ...n, children: n.children!.map((c) => (c.code === 'noise' ? { ...c, active: false } : c)) })),
      { code: 'GN', name: '供暖', keywords: ['供暖'], children: [
        { code: 'GN01', name: '供暖不热', keywords: ['暖气不热', '温度低'] },
        { code: 'GN02', name: '停暖', keywords: ['停暖', '未供暖'] },
      ] },
    ];
    const res = await t.call('PUT', '/api/v1/regions/yuquan/catalogue', { as: 'admin', body: { nodes } });
    expect(res.status, res.text).to.equal(200);
    page = await b.open('/citizen', { phone: true });
    await form().waitFor();
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('asks for the region first, then shows that region\'s catalogue: its 供暖 branch, not what it hides or retires', async () => {
    expect(await form().locator('[data-test=category-note]').textContent()).to.equal('请先选择所在旗县区，再选择类别。');
    expect(await form().locator('[data-test=category-picker]').isVisible()).to.equal(false);
    await b.screenshot(page, 'citizen-catalogue-start');

    await form().locator('select[name=region]').selectOption('yuquan');
    const top = form().locator('[data-test=category-picker] select[data-level="0"]');
    await top.locator('option[value=GN]').waitFor({ state: 'attached' });
    expect(await form().locator('[data-test=category-note]').isVisible()).to.equal(false);
    expect(await top.locator('option').allTextContents()).to.deep.equal(['请选择', '城乡建设', '生态环境', '公用事业', '综合', '供暖']);
    await top.selectOption('HJ');
    expect(await form().locator('select[data-level="1"] option').allTextContents(), '噪音扰民 is retired').to.deep.equal(['请选择', '环境卫生']);
    // Another region keeps the default tree: 退役军人 there, no 供暖.
    await form().locator('select[name=region]').selectOption('saihan');
    await top.locator('option[value=TY]').waitFor({ state: 'attached' });
    expect(await top.locator('option[value=GN]').count()).to.equal(0);
    await form().locator('select[name=region]').selectOption('yuquan');
    await top.locator('option[value=GN]').waitFor({ state: 'attached' });
    expect(await top.locator('option[value=TY]').count()).to.equal(0);
  });

  it('finds 供暖不热 by the keyword 暖气 with thumb-sized rows and no sideways scroll, and submits its node code', async () => {
    await form().locator('[data-test=category-search]').fill('暖气');
    const hit = form().locator('[data-test=category-hit][data-code=GN01]');
    await hit.waitFor();
    expect(await hit.textContent()).to.equal('供暖 / 供暖不热');
    expect(await smallestHeight(page, '[data-test=category-hit]'), 'hits are touch targets').to.be.at.least(44);
    expect(await overflowsX(page)).to.equal(false);
    await b.screenshot(page, 'citizen-catalogue-search');
    await hit.click();
    expect(await form().locator('select[data-level="0"]').inputValue()).to.equal('GN');
    expect(await form().locator('select[data-level="1"]').inputValue()).to.equal('GN01');
    expect(await smallestHeight(page, '[data-test=category-picker] select'), 'the levels are touch targets').to.be.at.least(44);

    await form().locator('input[name=title]').fill('家里暖气不热');
    await form().locator('textarea[name=description]').fill('室温只有 14 度');
    await form().locator('input[name=phone]').fill('13900000003');
    expect(await overflowsX(page)).to.equal(false);
    await b.screenshot(page, 'citizen-catalogue-chosen');
    await form().locator('button[type=submit]').click();
    await page.waitForSelector('[data-test=citizen-done]');
    const caseNo = (await page.textContent('[data-test=case-no]'))!.trim();
    expect(caseNo).to.match(/^YQ\d+/);

    const { id } = await t.db.knex('cases').where({ case_no: caseNo }).first('id');
    const detail = await caseDetail(t, id);
    expect(detail.category).to.equal('GN01');
    expect(detail.categoryPath).to.deep.equal([{ code: 'GN', name: '供暖' }, { code: 'GN01', name: '供暖不热' }]);
  });

  it('asks for a category when only a branch is chosen', async () => {
    await page.goto('/citizen');
    await form().locator('select[name=region]').selectOption('yuquan');
    await form().locator('select[data-level="0"] option[value=GN]').waitFor({ state: 'attached' });
    await form().locator('select[data-level="0"]').selectOption('GN');
    await form().locator('input[name=title]').fill('暖气');
    await form().locator('button[type=submit]').click();
    expect(await form().locator('[data-field=category].invalid .field-error').textContent()).to.equal('此项必填');
    expect(await form().locator('.field.invalid').count(), 'only the category').to.equal(1);
    expect(await page.locator('[data-test=citizen-done]').count()).to.equal(0);
  });

  it('a slower answer for a region switched away from never replaces the later region\'s catalogue', async () => {
    await page.goto('/citizen');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/regions/saihan/catalogue', async (route) => {
      await held;
      await route.continue();
    });
    const saihanAsked = page.waitForRequest('**/api/v1/regions/saihan/catalogue');
    await form().locator('select[name=region]').selectOption('saihan');
    await saihanAsked;
    await form().locator('select[name=region]').selectOption('yuquan');
    const top = form().locator('select[data-level="0"]');
    await top.locator('option[value=GN]').waitFor({ state: 'attached' });
    const saihanAnswered = page.waitForResponse('**/api/v1/regions/saihan/catalogue');
    release();
    await saihanAnswered;
    // The late answer has been handled once the page has run a task after it.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(await top.locator('option[value=GN]').count()).to.equal(1);
    expect(await top.locator('option[value=TY]').count()).to.equal(0);
    await page.unroute('**/api/v1/regions/saihan/catalogue');
  });

  it('words typed before the catalogue arrives are searched when it does (a slow phone link)', async () => {
    await page.goto('/citizen');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/regions/yuquan/catalogue', async (route) => {
      await held;
      await route.continue();
    });
    const asked = page.waitForRequest('**/api/v1/regions/yuquan/catalogue');
    await form().locator('select[name=region]').selectOption('yuquan');
    await asked;
    await form().locator('[data-test=category-search]').fill('暖气');
    release();
    await form().locator('[data-test=category-hit][data-code=GN01]').click();
    expect(await form().locator('select[data-level="1"]').inputValue()).to.equal('GN01');
    await page.unroute('**/api/v1/regions/yuquan/catalogue');
  });

  it('logged no console errors', () => {
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
