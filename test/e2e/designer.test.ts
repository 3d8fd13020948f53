import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { openElements, submit } from '../support/cases.ts';

/**
 * Sets the condition of a sequence flow through the properties panel, as a designer would:
 * selecting the flow by its label on the canvas, or by its entry in the deploy problems list.
 */
async function setCondition(page: Page, flowId: string, expression: string, via: 'canvas' | 'problems' = 'canvas') {
  // The flow's label is the easiest part of a connection to hit with a click.
  if (via === 'canvas') await page.click(`[data-element-id="${flowId}_label"]`);
  else await page.click(`[data-test=problems] li[data-element-id="${flowId}"] button`);
  const input = page.locator('#bio-properties-panel-conditionExpression');
  if (!(await input.isVisible())) await page.click('.bio-properties-panel-group-header:has-text("条件")');
  await input.fill(expression);
  // The panel writes to the model after its input debounce.
  await page.waitForTimeout(600);
}

describe('e2e: a designer changes 扎赉特旗 routing in the modeler', function () {
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

  it('given the deployed process, a sanitation case in 扎赉特旗 goes to dispatch', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'sanitation', title: '垃圾未清运' });
    expect(await openElements(t, c.id)).to.deep.equal(['dispatch']);
  });

  it('opens the region’s current version with its versions listed and lint active', async () => {
    await loginAs(page, 'zhalaite.designer');
    expect(new URL(page.url()).pathname).to.equal('/designer');
    await page.waitForSelector('[data-element-id="routeToVerifyEnforcement"]');
    await page.waitForSelector('[data-test=versions] li[data-region=zhalaite][data-version="1"]');
    await page.waitForSelector('.bjsl-button-success');
    await b.screenshot(page, 'designer-open');
  });

  it('a deploy the server refuses shows the problem on its element', async () => {
    await setCondition(page, 'routeToVerifyEnforcement', '=category = ');
    // The canvas lint runs the server's own rules: the broken condition shows before deploying.
    await page.waitForSelector('.bjsl-button-error');
    await page.waitForSelector('.bjsl-issues li[data-rule="bangni/server-rules"]', { state: 'attached' });
    await b.screenshot(page, 'designer-lint');
    await page.click('[data-action=deploy]');
    await page.waitForSelector('.djs-element.bangni-problem[data-element-id="routeToVerifyEnforcement"]');
    const overlay = await page.textContent('.bangni-problem-overlay[data-element-id="routeToVerifyEnforcement"]');
    expect(overlay).to.be.a('string').and.not.equal('');
    expect(await page.textContent('[data-test=problems]')).to.contain('routeToVerifyEnforcement');
    // The refusal in the page's language (from its stable code), the problems as the validator names them.
    expect(await page.textContent('[data-test=problems]')).to.contain('流程文件有问题，未部署。');
    await b.screenshot(page, 'designer-deploy-422');
    const defs = await t.call('GET', '/api/v1/definitions?region=zhalaite', { as: 'zhalaite.designer' });
    expect(defs.body.items.filter((d: { region: string }) => d.region === 'zhalaite')).to.have.length(1);
  });

  it('when the designer routes sanitation to the enforcement bureau and deploys, a new case follows the new route', async () => {
    await setCondition(page, 'routeToVerifyEnforcement', '=category = "road" or category = "sanitation"', 'problems');
    await page.click('[data-action=deploy]');
    await page.waitForSelector('[data-test=versions] li[data-region=zhalaite][data-version="2"]');
    expect(await page.locator('.bangni-problem').count()).to.equal(0);
    await page.waitForSelector('.bjsl-button-success');
    expect(await page.textContent('[data-test=versions] li[data-version="2"][data-region=zhalaite]')).to.contain('zhalaite.designer');

    const c = await submit(t, { region: 'zhalaite', category: 'sanitation', title: '垃圾堆放占道' });
    expect(await openElements(t, c.id)).to.deep.equal(['verifyEnforcement']);
    const other = await submit(t, { region: 'zhalaite', category: 'noise', title: '夜间施工噪音' });
    expect(await openElements(t, other.id)).to.deep.equal(['dispatch']);

    // The case view shows where the new case stands on the new diagram.
    await loginAs(page, 'zhalaite.dispatcher');
    await page.goto(`/cases/${c.id}`);
    await page.waitForSelector('.djs-element.path-current[data-element-id="verifyEnforcement"]');
    await page.waitForSelector('.djs-element.path-passed[data-element-id="routeByCategory"]');
    await b.screenshot(page, 'case-view');
  });

  it('compares version 1 with version 2: the changed flow is coloured', async () => {
    await loginAs(page, 'zhalaite.designer');
    await page.waitForSelector('[data-test=versions] li[data-region=zhalaite][data-version="2"]');
    await page.check('[data-test=versions] li[data-region=zhalaite][data-version="1"] input[type=checkbox]');
    await page.check('[data-test=versions] li[data-region=zhalaite][data-version="2"] input[type=checkbox]');
    await page.click('[data-action=diff]');
    await page.waitForSelector('.djs-element.diff-changed[data-element-id="routeToVerifyEnforcement"]');
    expect(await page.textContent('[data-test=diff-summary]')).to.contain('~routeToVerifyEnforcement');
    await b.screenshot(page, 'designer-diff');
  });

  it('shows the SLA heat map of the deployed diagram', async () => {
    await page.click('[data-test=versions] li[data-region=zhalaite][data-version="2"] [data-action=heat]');
    await page.waitForSelector('.bangni-heat-badge[data-element-id="verifyEnforcement"]');
    expect(await page.textContent('.bangni-heat-badge[data-element-id="verifyEnforcement"]')).to.contain('1');
    await b.screenshot(page, 'designer-heatmap');
  });

  it('logged no console errors (besides the refused deploy)', () => {
    expect(b.consoleErrors([/status of 422/])).to.deep.equal([]);
  });
});
