import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession, overflowsX } from '../support/browser.ts';
import { submit } from '../support/cases.ts';


describe('e2e: layouts and languages of the remaining pages', function () {
  let t: TestApp;
  let b: BrowserSession;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    await submit(t, { region: 'saihan', category: 'noise', title: '夜间施工噪音扰民' });
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('serves the landing page and the login page, also on a phone without sideways scrolling', async () => {
    const page = await b.open('/', { phone: true });
    await page.waitForSelector('.hero a[href="/citizen"]');
    expect(await overflowsX(page)).to.equal(false);
    await b.screenshot(page, 'home-phone');
    await page.click('.hero a[href="/login"]');
    await page.waitForSelector('[data-test=login-form]');
    await b.screenshot(page, 'login-phone');
    await page.goto('/track');
    await page.waitForSelector('[data-test=track-form]');
    expect(await overflowsX(page)).to.equal(false);
    await page.close();
  });

  it('answers a reload of a client route with the app, and an unknown API path with JSON', async () => {
    const html = await fetch(`${t.url}/cases/1`, { headers: { accept: 'text/html' } });
    expect(html.status).to.equal(200);
    expect(await html.text()).to.contain('id="outlet"');
    const api = await fetch(`${t.url}/api/v1/nope`, { headers: { accept: 'text/html' } });
    expect(api.status).to.equal(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).to.equal('route_not_found');
  });

  it('shows the task list on a phone as cards', async () => {
    const page = await b.open('/', { phone: true });
    await loginAs(page, 'saihan.dispatcher');
    await page.waitForSelector('[data-test=task-table] tbody tr');
    expect(await page.isVisible('[data-test=task-table] thead')).to.equal(false);
    await b.screenshot(page, 'tasks-phone');
    await page.close();
  });

  it('switches the designer to English, bpmn-js panel included', async () => {
    const page = await b.open('/');
    await loginAs(page, 'saihan.designer');
    await page.click('[data-test=lang]');
    await page.waitForSelector('text=Process designer');
    await page.waitForSelector('[data-element-id="dispatch"]');
    await page.click('[data-element-id="dispatch"]');
    await page.waitForSelector('.bio-properties-panel-group-header:has-text("User assignment")');
    await b.screenshot(page, 'designer-en');
    await page.click('[data-test=lang]');
    await page.waitForSelector('text=流程设计');
    await page.close();
  });

  it('logged no console errors', () => {
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
