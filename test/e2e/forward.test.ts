import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { caseDetail, openTask, submit } from '../support/cases.ts';

const TOWN = 'zhalaite.yinder';
const PASSWORD = 'town-pass-2026';

describe('e2e: 二级派单 — the dispatcher picks 音德尔镇 from the unit tree, the town forwards to 解放社区', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  let caseId: number;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    const res = await t.call('POST', '/api/v1/users', { as: 'admin', body: { username: TOWN, password: PASSWORD, displayName: '音德尔镇承办人', role: 'handler', region: 'zhalaite', groups: ['yinder-town'] } });
    expect(res.status, res.text).to.equal(201);
    caseId = (await submit(t, { region: 'zhalaite', category: 'water', title: '解放社区停水' })).id;
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('the dispatch form offers the region\'s units as an indented tree; the dispatcher picks 音德尔镇', async () => {
    await loginAs(page, 'zhalaite.dispatcher');
    const dispatch = await openTask(t, caseId, 'dispatch');
    await page.goto(`/cases/${caseId}?task=${dispatch.id}`);
    const select = page.locator('[data-test=task-form] select[name=department]');
    await select.waitFor();
    const options = await select.locator('option').evaluateAll((els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, text: e.textContent ?? '', depth: e.getAttribute('data-depth') })));
    const property = options.find((o) => o.value === 'jiefang-property')!;
    expect(property).to.include({ depth: '2' });
    expect(property.text).to.contain('解放社区物业公司');
    expect(options.map((o) => o.value)).to.not.include('dispatchers');
    await select.selectOption('yinder-town');
    await b.screenshot(page, 'forward-dispatch-units');
    const answer = page.waitForResponse((r) => r.url().endsWith(`/tasks/${dispatch.id}/complete`));
    await page.click('[data-test=task-form] button[type=submit]');
    expect((await answer).status()).to.equal(200);
    expect((await openTask(t, caseId, 'verify')).candidateGroups).to.deep.equal(['yinder-town']);
  });

  it('the town\'s handler sees 二级派单 on a phone, picks 解放社区 with a note; the task moves, the timeline names both units', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await loginAs(page, TOWN, PASSWORD);
    const verify = await openTask(t, caseId, 'verify');
    await page.goto(`/cases/${caseId}?task=${verify.id}`);
    await page.waitForSelector('[data-test=forward]:not([hidden]) details[data-action=forward]');
    expect(await page.textContent('.task-panel')).to.contain('音德尔镇');
    await page.click('details[data-action=forward] summary');
    const options = await page.locator('[data-test=forward-unit] option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(options).to.deep.equal(['', 'jiefang-community', 'jiefang-property']);
    await page.selectOption('[data-test=forward-unit]', 'jiefang-community');
    await page.fill('[data-test=action-form-forward] textarea[name=note]', '请社区上门核实');
    await b.screenshot(page, 'forward-phone-picker');
    const answer = page.waitForResponse((r) => r.url().endsWith(`/tasks/${verify.id}/forward`));
    await page.click('[data-test=action-form-forward] button[type=submit]');
    expect((await answer).status()).to.equal(200);
    await page.waitForSelector('[data-test=timeline] li[data-type="task.forwarded"]');
    expect(await page.textContent('[data-test=timeline] li[data-type="task.forwarded"]')).to.contain('二级派单').and.contain('音德尔镇 → 解放社区').and.contain('请社区上门核实');
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)).to.equal(false);
    await b.screenshot(page, 'forward-phone-timeline');

    const detail = await caseDetail(t, caseId);
    expect(detail.openTasks.find((x: { elementId: string }) => x.elementId === 'verify').candidateGroups).to.deep.equal(['jiefang-community']);
    // The town keeps reading the case but no longer works the task: no 二级派单 for it.
    await page.waitForSelector('[data-test=timeline]');
    expect(await page.locator('[data-test=forward]:not([hidden])').count()).to.equal(0);
  });

  it('the community\'s task list shows the unit by name', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await loginAs(page, 'zhalaite.handler');
    await page.goto('/tasks');
    const verify = await openTask(t, caseId, 'verify');
    await page.waitForSelector(`tr[data-task-id="${verify.id}"]`);
    expect(await page.textContent(`tr[data-task-id="${verify.id}"]`)).to.contain('解放社区');
    await b.screenshot(page, 'forward-task-list');
    expect(b.consoleErrors([/status of 40[34]/])).to.deep.equal([]);
  });
});
