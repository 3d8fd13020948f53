import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';

/**
 * A designer types a unit the region does not have: the canvas lint flags it while drawing
 * (with the unit it probably meant), and the deploy is refused on that element. An admin
 * picks the region to design for.
 */
describe('e2e: the modeler checks the units a model names', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  async function setCandidateGroups(value: string) {
    await page.click('[data-element-id="dispatch"]');
    const input = page.locator('#bio-properties-panel-candidateGroups');
    if (!(await input.isVisible())) await page.click('.bio-properties-panel-group-header:has-text("用户分配")');
    await input.fill(value);
    await page.waitForTimeout(600); // the panel writes to the model after its input debounce
  }

  it('a misspelt unit shows in the lint while drawing, and the deploy is refused on it', async () => {
    await loginAs(page, 'zhalaite.designer');
    await page.waitForSelector('[data-element-id="dispatch"]');
    await page.waitForSelector('.bjsl-button-success');
    await setCandidateGroups('dispatcher');
    await page.waitForSelector('.bjsl-button-error');
    const issue = await page.locator('.bjsl-issues li[data-rule="bangni/server-rules"]').first().textContent();
    expect(issue).to.include('"dispatcher"').and.include('Did you mean "dispatchers"');
    await b.screenshot(page, 'designer-unit-unknown');
    await page.click('[data-action=deploy]');
    await page.waitForSelector('.djs-element.bangni-problem[data-element-id="dispatch"]');
    expect(await page.textContent('[data-test=problems]')).to.contain('dispatcher');
    const defs = await t.call('GET', '/api/v1/definitions?region=zhalaite', { as: 'zhalaite.designer' });
    expect(defs.body.items.filter((d: { region: string }) => d.region === 'zhalaite')).to.have.length(1);

    // Fixed: the lint is clean again.
    await setCandidateGroups('dispatchers');
    await page.waitForSelector('.bjsl-button-success');
  });

  it('an admin picks the region to design for', async () => {
    await loginAs(page, 'admin');
    await page.goto('/designer?region=zhalaite');
    await page.waitForSelector('[data-test=region-picker]');
    expect(await page.inputValue('[data-test=region-picker]')).to.equal('zhalaite');
    await page.selectOption('[data-test=region-picker]', 'dongsheng');
    await page.waitForURL(/region=dongsheng/);
    await page.waitForSelector('[data-test=versions] li[data-region=dongsheng]');
  });
});
