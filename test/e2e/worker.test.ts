import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { caseDetail, openElements, openTask, submit } from '../support/cases.ts';

// A 1×1 PNG: the server checks uploads by their magic bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('e2e: a case worker claims and completes a task through its form', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let caseId: number;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
    caseId = (await submit(t, { region: 'yuquan', category: 'facility', title: '小区路灯不亮', description: '3号楼门口路灯坏了一周', contact: { phone: '19900000001' } })).id;
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('lists the new dispatch task for the dispatcher, unclaimed', async () => {
    await loginAs(page, 'yuquan.dispatcher');
    expect(new URL(page.url()).pathname).to.equal('/tasks');
    const task = await openTask(t, caseId, 'dispatch');
    const row = page.locator(`tr[data-task-id="${task.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).to.contain('小区路灯不亮').and.contain('未签收');
    await b.screenshot(page, 'tasks-list');
  });

  it('claims it from the list', async () => {
    const task = await openTask(t, caseId, 'dispatch');
    await page.click(`tr[data-task-id="${task.id}"] [data-action=claim]`);
    await page.waitForSelector(`tr[data-task-id="${task.id}"] [data-action=unclaim]`);
    expect(await page.textContent(`tr[data-task-id="${task.id}"]`)).to.contain('yuquan.dispatcher');
    expect((await openTask(t, caseId, 'dispatch')).assignee).to.equal('yuquan.dispatcher');
  });

  it('shows field errors in place when the form is sent incomplete', async () => {
    const task = await openTask(t, caseId, 'dispatch');
    await page.click(`tr[data-task-id="${task.id}"] [data-action=open]`);
    await page.waitForSelector('[data-test=task-form] .field[data-field=department] select');
    await page.waitForSelector('.djs-element.path-current[data-element-id="dispatch"]');
    await page.click('[data-test=task-form] button[type=submit]');
    await page.waitForSelector('.field.invalid[data-field=department]');
    expect(await page.textContent('.field[data-field=department] .field-error')).to.equal('此项必填'); // the rule in the page's language, not the server's English sentence
    // Dispatchers see the citizen's phone number in full (each view is logged by the server).
    expect(await page.textContent('[data-test=contact]')).to.contain('19900000001');
    await b.screenshot(page, 'task-form-errors');
  });

  it('completes it with the form; the case moves on to the chosen department', async () => {
    await page.selectOption('.field[data-field=department] select', 'city-management');
    await page.fill('.field[data-field=dispatchNote] textarea', '请城管局核实处理');
    await page.click('[data-test=task-form] button[type=submit]');
    await page.waitForSelector('.djs-element.path-current[data-element-id="verify"]');
    expect(await openElements(t, caseId)).to.deep.equal(['verify']);
    const detail = await caseDetail(t, caseId);
    const done = detail.tasks.find((x: { elementId: string }) => x.elementId === 'dispatch');
    expect(done.completedBy).to.equal('yuquan.dispatcher');
    expect(done.outcome).to.include({ department: 'city-management', dispatchNote: '请城管局核实处理' });
    expect(await page.textContent('[data-test=timeline]')).to.contain('完成环节');
  });

  it('lets the dispatcher assign the next task to a handler of the region', async () => {
    const task = await openTask(t, caseId, 'verify');
    await page.goto('/tasks');
    await page.click(`tr[data-task-id="${task.id}"] [data-action=assign]`);
    await page.selectOption(`tr[data-task-id="${task.id}"] select[name=assignee]`, 'yuquan.handler');
    // Wait for the server's answer: the row's own assignee picker already shows the name before it is saved.
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/tasks/${task.id}/assign`) && r.request().method() === 'POST');
    await page.click(`tr[data-task-id="${task.id}"] [data-action=assign-ok]`);
    expect((await saved).status()).to.equal(200);
    await page.waitForFunction((id) => document.querySelector(`tr[data-task-id="${id}"]`)?.textContent?.includes('yuquan.handler'), task.id);
    expect((await openTask(t, caseId, 'verify')).assignee).to.equal('yuquan.handler');
  });

  it('lets the handler add a comment with a site photo, and the timeline and photos show them', async () => {
    await loginAs(page, 'yuquan.handler');
    await page.goto(`/cases/${caseId}`);
    await page.fill('[data-test=comment-form] textarea[name=body]', '已到现场，路灯确实不亮');
    await page.setInputFiles('[data-test=comment-form] input[type=file]', { name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.click('[data-test=comment-form] button[type=submit]');
    await page.waitForSelector('[data-test=comments] li');
    await page.waitForSelector('[data-test=photos] img');
    expect(await page.textContent('[data-test=comments]')).to.contain('已到现场');
    // The demo handler also works for the property office, which never sees contact details.
    expect(await page.locator('[data-test=contact]').count()).to.equal(0);
    await b.screenshot(page, 'case-view-worker');
  });

  it('lets the handler return (退单) a task with a reason', async () => {
    const task = await openTask(t, caseId, 'verify');
    await page.goto(`/cases/${caseId}?task=${task.id}`);
    await page.click('details.return summary');
    await page.fill('[data-test=return-form] textarea[name=reason]', '路灯属供电公司维护，非城管职责');
    await page.click('[data-test=return-form] button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/tasks');
    const detail = await caseDetail(t, caseId);
    expect(detail.timeline.map((e: { type: string }) => e.type)).to.include('task.returned');
  });

  it('logged no console errors (besides the refused incomplete form)', () => {
    expect(b.consoleErrors([/status of 422/])).to.deep.equal([]);
  });
});
