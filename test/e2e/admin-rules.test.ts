import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession, overflowsX } from '../support/browser.ts';


describe('e2e: the admin edits a region\'s rules in the 规则 tab', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const row = (name: string) => page.locator(`[data-test=rules-table] tr[data-rule=${name}]`);
  const stored = async (region: string) => (await t.call('GET', `/api/v1/regions/${region}/rules`, { as: 'admin' })).body.rules;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
  });
  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('shows every rule with its value and where it comes from, in Chinese', async () => {
    await loginAs(page, 'admin');
    await page.goto('/admin?region=yuquan&tab=rules');
    await row('reopenMaxScore').waitFor();
    expect(await page.textContent('[data-tab=rules]')).to.equal('规则');
    expect(await row('reopenMaxScore').textContent()).to.contain('重办评分上限').and.contain('2 分').and.contain('系统默认值');
    expect(await row('transferTargets').textContent()).to.contain('110 公安').and.contain('122 交警');
    expect(await row('evaluationTimeout').textContent()).to.contain('7 天 (P7D)');
    expect(await page.locator('[data-test=rules-table] [data-action=reset-rule]').count()).to.equal(0);
    await b.screenshot(page, 'admin-rules');
  });

  it('overrides the 重办 threshold; a bad evaluation timeout is refused beside its field; reset goes back to inheriting', async () => {
    await row('reopenMaxScore').locator('[data-action=edit-rule]').click();
    await row('reopenMaxScore').locator('select[name=reopenMaxScore]').selectOption('3');
    await row('reopenMaxScore').locator('[data-action=save-rule]').click();
    await page.locator('[data-test=rules-table] tr[data-rule=reopenMaxScore][data-inherited=false]').waitFor();
    expect(await row('reopenMaxScore').textContent()).to.contain('3 分').and.contain('本区设置');
    expect((await stored('yuquan')).reopenMaxScore).to.include({ value: 3, inherited: false });

    await row('evaluationTimeout').locator('[data-action=edit-rule]').click();
    await row('evaluationTimeout').locator('input[name=evaluationTimeout]').fill('七天');
    await row('evaluationTimeout').locator('[data-action=save-rule]').click();
    await page.locator('.field[data-field=evaluationTimeout].invalid .field-error:not(:empty)').waitFor();
    expect(await page.locator('.field[data-field=evaluationTimeout] .field-error').textContent()).to.contain('ISO-8601');
    await b.screenshot(page, 'admin-rules-error');
    await page.locator('[data-test=admin-rules]').screenshot({ path: 'test-results/screenshots/admin-rules-error-card.png' });
    await row('evaluationTimeout').locator('input[name=evaluationTimeout]').fill('P5D');
    await row('evaluationTimeout').locator('[data-action=save-rule]').click();
    await page.locator('[data-test=rules-table] tr[data-rule=evaluationTimeout][data-inherited=false]').waitFor();
    expect(await row('evaluationTimeout').textContent()).to.contain('5 天 (P5D)');

    await row('reopenMaxScore').locator('[data-action=reset-rule]').click();
    await page.locator('[data-test=rules-table] tr[data-rule=reopenMaxScore][data-inherited=true]').waitFor();
    expect(await row('reopenMaxScore').textContent()).to.contain('2 分').and.contain('系统默认值');
    expect((await stored('yuquan')).reopenMaxScore).to.include({ value: 2, inherited: true });
    const log = await t.call('GET', '/api/v1/regions/yuquan/changes?entity=rules', { as: 'admin' });
    expect(log.body.items).to.have.length(3);
  });

  it('a value set for the default region shows as inherited in a region without its own', async () => {
    await page.goto('/admin?region=default&tab=rules');
    await row('transferTargets').waitFor();
    await row('transferTargets').locator('[data-action=edit-rule]').click();
    await row('transferTargets').locator('textarea[name=transferTargets]').fill('110 公安\n119 消防\n12315 市场监管');
    await row('transferTargets').locator('[data-action=save-rule]').click();
    await page.locator('[data-test=rules-table] tr[data-rule=transferTargets][data-inherited=false]').waitFor();
    expect(await row('transferTargets').textContent()).to.contain('默认区设置');
    await page.goto('/admin?region=saihan&tab=rules');
    await row('transferTargets').waitFor();
    expect(await row('transferTargets').textContent()).to.contain('12315 市场监管').and.contain('沿用默认区');
    expect((await stored('saihan')).transferTargets).to.include({ from: 'default', inherited: true });
  });

  it('reads in English and fits a phone', async () => {
    const phone = await b.open('/admin?region=yuquan&tab=rules', { phone: true });
    await phone.locator('[data-test=rules-table] tr[data-rule=evaluationTimeout]').waitFor();
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'admin-rules-phone');
    await phone.locator('[data-test=admin-rules]').screenshot({ path: 'test-results/screenshots/admin-rules-phone-card.png' });
    await phone.evaluate(() => localStorage.setItem('bangni.lang', 'en'));
    await phone.reload();
    await phone.locator('[data-test=rules-table] tr[data-rule=evaluationTimeout]').waitFor();
    expect(await phone.textContent('[data-test=rules-table] tr[data-rule=evaluationTimeout]')).to.contain('Evaluation time limit').and.contain('5 days (P5D)').and.contain('Set here');
    await b.screenshot(phone, 'admin-rules-phone-en');
    await phone.evaluate(() => localStorage.setItem('bangni.lang', 'zh-CN'));
    expect(b.consoleErrors([/status of 422/])).to.deep.equal([]);
  });

  it('adds the channel wechat-mini and renames 特急; the intake desk and the case list offer the region\'s names', async () => {
    // The phone page of the test before is in front; a tab behind it gets its frames throttled.
    await page.bringToFront();
    await loginAs(page, 'admin');
    await page.goto('/admin?region=yuquan&tab=rules');
    await row('channels').waitFor();
    expect(await row('channels').textContent()).to.contain('受理渠道').and.contain('hotline 12345热线').and.contain('系统默认值');
    await row('channels').locator('[data-action=edit-rule]').click();
    const area = row('channels').locator('textarea[name=channels]');
    await area.fill(`${await area.inputValue()}\nwechat-mini 微信小程序`);
    await row('channels').locator('[data-action=save-rule]').click();
    await page.locator('[data-test=rules-table] tr[data-rule=channels][data-inherited=false]').waitFor();
    expect(await row('channels').textContent()).to.contain('wechat-mini 微信小程序').and.contain('本区设置');

    await row('urgencyNames').locator('[data-action=edit-rule]').click();
    await row('urgencyNames').locator('input[name="urgencyNames.emergency"]').fill('特急件');
    await row('urgencyNames').locator('[data-action=save-rule]').click();
    await page.locator('[data-test=rules-table] tr[data-rule=urgencyNames][data-inherited=false]').waitFor();
    expect(await row('urgencyNames').textContent()).to.contain('emergency 特急件');
    expect((await stored('yuquan')).urgencyNames.value).to.deep.equal({ normal: '一般', urgent: '紧急', emergency: '特急件' });
    await page.locator('[data-test=admin-rules]').screenshot({ path: 'test-results/screenshots/admin-rules-vocabulary-card.png' });

    await loginAs(page, 'yuquan.dispatcher');
    await page.goto('/intake');
    const form = page.locator('[data-test=intake-form]');
    await form.locator('select[name=channel] option[value=wechat-mini]').waitFor({ state: 'attached' });
    expect(await form.locator('select[name=channel] option[value=wechat-mini]').textContent()).to.equal('微信小程序');
    expect(await form.locator('select[name=channel]').inputValue()).to.equal('hotline');
    expect(await form.locator('select[name=urgency] option[value=emergency]').textContent()).to.equal('特急件');
    expect(await form.locator('select[name=requestType] option').allTextContents()).to.deep.equal(['咨询', '求助', '投诉', '举报', '建议']);
    await b.screenshot(page, 'admin-rules-intake-vocabulary');

    // A case taken in by the new channel is found by it in the case list, its urgency in the region's words.
    const c = await t.call('POST', '/api/v1/cases', { as: 'yuquan.dispatcher', body: { region: 'yuquan', category: 'road', title: '微信报修路灯', channel: 'wechat-mini', urgency: 'emergency' } });
    expect(c.status, c.text).to.equal(201);
    await page.goto('/cases');
    await page.locator('[data-test=filter-channel] option[value=wechat-mini]').waitFor({ state: 'attached' });
    await page.locator('[data-test=filter-channel]').selectOption('wechat-mini');
    await page.click('[data-action=case-search]');
    await page.waitForURL(/channel=wechat-mini/);
    await page.locator(`[data-test=case-table] tr[data-case-id="${c.body.id}"]`).waitFor();
    expect(await page.locator('[data-test=case-table] tbody tr').count()).to.equal(1);
    expect(await page.locator(`tr[data-case-id="${c.body.id}"]`).textContent()).to.contain('特急件');
    expect(await page.locator('[data-test=filter-channel]').inputValue()).to.equal('wechat-mini');
    await b.screenshot(page, 'admin-rules-cases-channel');
    const phone = await b.open('/cases?channel=wechat-mini', { phone: true });
    await phone.locator(`[data-test=case-table] tr[data-case-id="${c.body.id}"]`).waitFor();
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'admin-rules-cases-channel-phone');
    // In English the built-in names are the app's translation, a region's own name stays as given.
    await phone.evaluate(() => localStorage.setItem('bangni.lang', 'en'));
    await phone.goto('/intake');
    await phone.locator('select[name=channel] option[value=wechat-mini]').waitFor({ state: 'attached' });
    expect(await phone.locator('select[name=channel] option').allTextContents()).to.deep.equal(['12345 hotline', 'Walk-in', 'Website', 'App', 'Mini program', '微信小程序']);
    expect(await phone.locator('select[name=urgency] option').allTextContents()).to.deep.equal(['normal', 'urgent', '特急件']);
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'admin-rules-intake-phone-en');
    await phone.evaluate(() => localStorage.setItem('bangni.lang', 'zh-CN'));
    expect(b.consoleErrors([/status of 422/])).to.deep.equal([]);
  });
});
