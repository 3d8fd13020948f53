import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';

/** The admin console's unit tree (承办单位) of 扎赉特旗: nested rows, public name, deactivate and back. */
describe('e2e: the admin edits 扎赉特旗\'s unit tree', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const row = (code: string) => `[data-test=unit-table] tr[data-unit="${code}"]`;
  const stored = async (code: string) => (await t.call('GET', '/api/v1/groups?region=zhalaite', { as: 'admin' })).body.items.find((g: { code: string }) => g.code === code);

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
    await loginAs(page, 'admin');
    await page.goto('/admin?region=zhalaite');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('shows 音德尔镇 → 解放社区 → 物业公司 nested, with kinds and the public name', async () => {
    await page.waitForSelector(row('jiefang-property'));
    expect(await page.getAttribute(row('yinder-town'), 'data-depth')).to.equal('0');
    expect(await page.getAttribute(row('jiefang-community'), 'data-depth')).to.equal('1');
    expect(await page.getAttribute(row('jiefang-property'), 'data-depth')).to.equal('2');
    expect(await page.textContent(row('yinder-town'))).to.contain('苏木乡镇').and.contain('扎赉特旗音德尔镇人民政府');
    // Steering units can be renamed, not deactivated or given sub-units.
    expect(await page.locator(`${row('dispatchers')} [data-action=deactivate-unit]`).count()).to.equal(0);
    await b.screenshot(page, 'admin-unit-tree');
  });

  it('sets the community\'s public name from its row and keeps it under the town', async () => {
    await page.click(`${row('jiefang-community')} [data-action=rename-unit]`);
    expect(await page.inputValue('[data-test=unit-form] select[name=parentCode]')).to.equal('yinder-town');
    await page.fill('[data-test=unit-form] input[name=publicName]', '解放社区居委会');
    await page.click('[data-test=unit-form] [data-action=save-unit]');
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('解放社区居委会'), row('jiefang-community'));
    expect(await stored('jiefang-community')).to.deep.include({ parentCode: 'yinder-town', publicName: '解放社区居委会', kind: 'community', active: true });
  });

  it('deactivates the property company (kept, marked 已停用), then reactivates it', async () => {
    await page.click(`${row('jiefang-property')} [data-action=deactivate-unit]`);
    await page.waitForSelector(`${row('jiefang-property')}.inactive`);
    expect(await page.textContent(row('jiefang-property'))).to.contain('已停用');
    expect(await stored('jiefang-property')).to.include({ active: false });
    await page.click(`${row('jiefang-property')} [data-action=reactivate-unit]`);
    await page.waitForSelector(`${row('jiefang-property')}:not(.inactive) [data-action=deactivate-unit]`);
    expect(await stored('jiefang-property')).to.include({ active: true });
    const log = (await t.call('GET', '/api/v1/regions/zhalaite/changes?entity=group', { as: 'admin' })).body.items.map((c: { key: string }) => c.key);
    expect(log.filter((k: string) => k === 'jiefang-property')).to.have.length(2);
  });

  it('fits a phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForSelector(row('jiefang-property'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)).to.equal(false);
    await page.locator('[data-test=admin-units]').screenshot({ path: 'test-results/screenshots/admin-unit-tree-phone.png' });
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
