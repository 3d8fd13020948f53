import { expect } from 'chai';
import type { CDPSession, Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { complete, openTask, submit } from '../support/cases.ts';

/**
 * Issue 14's phone link in a county: ~1.6 Mbps down, ~750 kbps up, 150 ms round trip.
 * DevTools throttles the bytes as they arrive on the wire, so compression counts.
 */
const PHONE_LINK = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };

/**
 * The figure issue 14 asks for: how long a handler on a phone link waits, with nothing cached,
 * before the task form can be sent. It is printed for the release notes; the bound asserted is
 * deliberately loose (a loaded CI machine must not fail it), the printed figure is what counts.
 */
describe('e2e: a task page on a 1.6 Mbps phone link', function () {
  this.timeout(180_000);
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let cdp: CDPSession;
  let taskUrl: string;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    const { id } = await submit(t, { region: 'yuquan', category: 'facility', title: '小区路灯不亮', description: '3号楼门口路灯坏了一周' });
    await complete(t, id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management', dispatchNote: '请核实' });
    const task = await openTask(t, id, 'verify');
    const claim = await t.call('POST', `/api/v1/tasks/${task.id}/claim`, { as: 'yuquan.handler', body: {} });
    expect(claim.status, claim.text).to.equal(200);
    taskUrl = `/cases/${id}?task=${task.id}`;
    page = await b.open('/');
    await loginAs(page, 'yuquan.handler');
    cdp = await b.context.newCDPSession(page);
    await cdp.send('Network.enable');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('makes the task form usable well before a minute, and prints how long it took', async () => {
    let wireBytes = 0;
    cdp.on('Network.loadingFinished', (e) => (wireBytes += e.encodedDataLength));
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', PHONE_LINK);
    const start = Date.now();
    await page.goto(taskUrl, { waitUntil: 'commit' });
    const submitButton = page.locator('[data-test=task-form] button[type=submit]');
    await submitButton.waitFor({ state: 'visible', timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-test=task-form] button[type=submit]')?.disabled, undefined, { timeout: 120_000 });
    const formMs = Date.now() - start;
    const formBytes = wireBytes;
    await page.waitForSelector('.djs-element.path-current[data-element-id="verify"]', { timeout: 120_000 });
    const diagramMs = Date.now() - start;
    console.log(`      slow link (1.6 Mbps, 150 ms, no cache): task form usable after ${(formMs / 1000).toFixed(1)} s (${Math.round(formBytes / 1024)} kB on the wire); diagram after ${(diagramMs / 1000).toFixed(1)} s (${Math.round(wireBytes / 1024)} kB)`);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(formMs).to.be.below(60_000);
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
