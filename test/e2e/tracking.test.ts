import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { overflowsX, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { complete, openTask } from '../support/cases.ts';

/**
 * The tracking page after each kind of closing (issue 13 item 5), on a phone, in zh and en:
 * a normal reply and its evaluation, 不予受理 (rated too), 转办, 并单.
 */
describe('e2e: the tracking page after each kind of closing', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/track', { phone: true });
  });
  after(async () => {
    await b?.close();
    await t?.close();
  });

  const submit = async (title: string) => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', category: 'water', title, contact: { phone: '13900000555' } } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string; trackingCode: string };
  };
  const show = async (c: { caseNo: string; trackingCode: string }, typed = c.caseNo) => {
    await page.goto(`/track/${encodeURIComponent(typed)}?code=${c.trackingCode}`);
    await page.waitForSelector('[data-test=track-result]');
  };
  const status = () => page.textContent('[data-test=track-status]');
  const steps = async () => (await page.locator('[data-test=track-steps] li .event').allTextContents()).map((s) => s.trim());
  const lang = async (l: 'en' | 'zh-CN') => page.evaluate((v) => localStorage.setItem('bangni.lang', v), l);

  it('a normal reply: the number typed in lower case, 办理中 with the unit and expected date, 已答复, then rated and 已办结; English reads as English', async () => {
    const c = await submit('小区停水');
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'water-utility' });
    const verify = await openTask(t, c.id, 'verify');
    expect((await t.call('POST', `/api/v1/tasks/${verify.id}/return`, { as: 'yuquan.handler', body: { reason: '内部退单理由' } })).status).to.equal(201);
    await complete(t, c.id, 'return_review', 'yuquan.dispatcher', { decision: 'back', note: '内部审核意见' });
    await complete(t, c.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await show(c, c.caseNo.toLowerCase());
    expect(await status()).to.equal('办理中');
    expect(await page.textContent('[data-test=track-unit]')).to.be.a('string').and.not.equal('');
    expect(await page.locator('[data-test=track-expected]').count()).to.equal(1);
    const zh = await steps();
    expect(zh).to.deep.equal(['已受理', '派单：已完成', '办理中', '现场核实：已完成']);
    expect(await page.textContent('[data-test=track-result]')).to.not.include('内部');
    expect(await overflowsX(page)).to.equal(false);
    await b.screenshot(page, 'track-handling-phone');

    await complete(t, c.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    await complete(t, c.id, 'reply', 'yuquan.handler', { replyText: '管道已修复，已恢复供水' });
    await show(c);
    expect(await status()).to.equal('已答复');
    expect(await page.textContent('[data-test=track-reply]')).to.contain('已恢复供水');
    await lang('en');
    await show(c);
    expect(await status()).to.equal('Replied');
    const en = await steps();
    expect(en.slice(0, 4)).to.deep.equal(['Received', 'Dispatch: completed', 'Being handled', 'On-site check: completed']);
    expect(new Set(en).size, en.join(' | ')).to.equal(en.length);
    expect(await page.textContent('[data-test=track-facts]')).to.contain('Handled by').and.contain('Expected by');
    await b.screenshot(page, 'track-replied-en-phone');
    await lang('zh-CN');
    await show(c);
    await page.click('[data-test=evaluation-form] .stars label[title="5"]');
    await page.click('[data-test=evaluation-form] button[type=submit]');
    await page.waitForSelector('[data-test=evaluated]');
    expect(await status()).to.equal('已办结');
    expect((await steps()).slice(-2)).to.deep.equal(['已评价', '已办结']);
    await b.screenshot(page, 'track-closed-phone');
  });

  it('不予受理: the reason and legal route are the answer, and the citizen can rate it', async () => {
    const c = await submit('劳动工资纠纷');
    expect((await t.call('POST', `/api/v1/cases/${c.id}/not-accepted`, { as: 'yuquan.dispatcher', body: { reason: '属劳动争议，不属12345受理范围', legalRoute: '向劳动人事争议仲裁委员会申请仲裁' } })).status).to.equal(200);
    await show(c);
    expect(await status()).to.equal('不予受理');
    expect(await page.textContent('[data-test=track-reply]')).to.contain('劳动人事争议仲裁委员会');
    await page.click('[data-test=evaluation-form] .stars label[title="3"]');
    await page.click('[data-test=evaluation-form] button[type=submit]');
    await page.waitForSelector('[data-test=evaluated]');
    expect(await page.textContent('[data-test=evaluated]')).to.contain('3');
    const task = await t.db.knex('tasks').where({ case_id: c.id, element_id: 'evaluate', status: 'completed' }).first('outcome');
    expect(task.outcome.score).to.equal(3);
    await b.screenshot(page, 'track-not-accepted-phone');
  });

  it('转办: 已转办 with where it went, nothing to rate', async () => {
    const c = await submit('楼道起火');
    expect((await t.call('POST', `/api/v1/cases/${c.id}/transfer`, { as: 'yuquan.dispatcher', body: { to: '119', reason: '火情' } })).status).to.equal(200);
    await show(c);
    expect(await status()).to.equal('已转办');
    expect(await steps()).to.include('已转办');
    expect(await page.textContent('[data-test=track-steps]')).to.contain('119');
    expect(await page.locator('[data-test=evaluation-form]').count()).to.equal(0);
    await b.screenshot(page, 'track-transferred-phone');
  });

  it('并单: 已并入 the parent\'s number, then the parent\'s reply', async () => {
    const parent = await submit('主单：整栋楼停水');
    const child = await submit('重复：我家停水');
    expect((await t.call('POST', `/api/v1/cases/${child.id}/merge`, { as: 'yuquan.dispatcher', body: { parentId: parent.id } })).status).to.equal(200);
    await show(child);
    expect(await status()).to.equal(`已并入 ${parent.caseNo}`);
    expect(await page.textContent('[data-test=track-merged-into]')).to.equal(parent.caseNo);
    await b.screenshot(page, 'track-merged-phone');
    await complete(t, parent.id, 'dispatch', 'yuquan.dispatcher', { department: 'water-utility' });
    await complete(t, parent.id, 'verify', 'yuquan.handler', { valid: true, finding: '属实' });
    await complete(t, parent.id, 'resolve', 'yuquan.handler', { resolution: '已修复' });
    await complete(t, parent.id, 'reply', 'yuquan.handler', { replyText: '整栋楼已恢复供水' });
    await show(child);
    expect(await page.textContent('[data-test=track-reply]')).to.contain('整栋楼已恢复供水');
    expect(b.consoleErrors([/favicon/])).to.deep.equal([]);
  });
});
