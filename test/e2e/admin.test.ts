import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession, overflowsX } from '../support/browser.ts';


const REGION = 'keyouqian';
const HANDLER = 'keyouqian.heating';
const FIRST_PASSWORD = 'first-pass-2026';
const NEW_PASSWORD = 'reset-pass-2026';

describe('e2e: the admin console sets up a new region, its units and its staff', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;

  /** Logs in through the API, as the browser would: the status says whether the password works. */
  const loginStatus = async (username: string, password: string) =>
    (await fetch(`${t.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })).status;
  const storedUser = async (username: string) => {
    const res = await t.call('GET', `/api/v1/users?region=${REGION}&roles=all`, { as: 'admin' });
    expect(res.status, res.text).to.equal(200);
    return (res.body.items as Array<{ username: string; active: boolean; role: string; groups: string[] }>).find((u) => u.username === username);
  };
  const staffRow = () => page.locator(`[data-test=staff-table] tr[data-username="${HANDLER}"]`);

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('opens from the admin’s top bar and lists the regions', async () => {
    await loginAs(page, 'admin');
    await page.click('#topbar a[href="/admin"]');
    await page.waitForSelector('[data-test=region-table] tr[data-region=saihan]');
    expect(await page.textContent('h1')).to.equal('系统管理');
    expect(await page.textContent('[data-test=region-table] tr[data-region=saihan]')).to.contain('赛罕区').and.contain('SH');
    await b.screenshot(page, 'admin-regions');
  });

  it('shows the server’s refusals next to the region form: a bad prefix beside its field, a taken one above the button', async () => {
    const form = page.locator('[data-test=region-form]');
    await form.locator('input[name=id]').fill(REGION);
    await form.locator('input[name=name]').fill('科尔沁右翼前旗');
    await form.locator('input[name=casePrefix]').fill('kq');
    await form.locator('input[name=parentCity]').fill('兴安盟');
    await form.locator('[data-action=save-region]').click();
    await form.locator('.field[data-field=casePrefix].invalid .field-error:not(:empty)').waitFor();
    expect(await form.locator('.field[data-field=casePrefix] .field-error').textContent()).to.contain('2–4 capital letters');
    expect(await form.locator('[data-test=form-error]').textContent()).to.contain('请检查填写的内容');

    await form.locator('input[name=casePrefix]').fill('SH');
    await form.locator('[data-action=save-region]').click();
    await page.waitForFunction(() => document.querySelector('[data-test=region-form] [data-test=form-error]')?.textContent?.includes('已被其他旗县区使用'));
    expect(await form.locator('.field.invalid').count()).to.equal(0);
    await b.screenshot(page, 'admin-region-errors');
    expect((await t.call('GET', '/api/v1/regions')).body.items.map((r: { id: string }) => r.id)).not.to.include(REGION);
  });

  it('creates the region 科尔沁右翼前旗 with prefix KQ', async () => {
    const form = page.locator('[data-test=region-form]');
    await form.locator('input[name=casePrefix]').fill('KQ');
    await form.locator('[data-action=save-region]').click();
    const row = page.locator(`[data-test=region-table] tr[data-region=${REGION}]`);
    await row.waitFor();
    expect(await row.textContent()).to.contain('科尔沁右翼前旗').and.contain('KQ').and.contain('兴安盟').and.contain('Asia/Shanghai');
    const stored = (await t.call('GET', '/api/v1/regions')).body.items.find((r: { id: string }) => r.id === REGION);
    expect(stored).to.deep.equal({ id: REGION, name: '科尔沁右翼前旗', casePrefix: 'KQ', parentCity: '兴安盟', timeZone: 'Asia/Shanghai' });
    // The form is empty again, for the next region.
    expect(await page.inputValue('[data-test=region-form] input[name=id]')).to.equal('');
    await b.screenshot(page, 'admin-region-created');
  });

  it('edits the region’s city from its row', async () => {
    await page.click(`[data-test=region-table] tr[data-region=${REGION}] [data-action=edit-region]`);
    const form = page.locator('[data-test=region-form]');
    expect(await form.locator('input[name=id]').inputValue()).to.equal(REGION);
    expect(await form.locator('input[name=id]').getAttribute('readonly')).to.not.equal(null);
    await form.locator('input[name=parentCity]').fill('兴安盟（乌兰浩特）');
    await form.locator('[data-action=save-region]').click();
    await page.waitForFunction((id) => document.querySelector(`[data-test=region-table] tr[data-region="${id}"]`)?.textContent?.includes('乌兰浩特'), REGION);
    const stored = (await t.call('GET', '/api/v1/regions')).body.items.find((r: { id: string }) => r.id === REGION);
    expect(stored).to.include({ parentCity: '兴安盟（乌兰浩特）', casePrefix: 'KQ' });
  });

  it('picks the new region: its steering units are there, no staff yet', async () => {
    await page.selectOption('[data-test=region-picker]', REGION);
    await page.waitForSelector('[data-test=admin-units] tr[data-unit=dispatchers]');
    expect(new URL(page.url()).searchParams.get('region')).to.equal(REGION);
    expect(await page.locator('[data-test=unit-table] tbody tr').count()).to.equal(2);
    expect(await page.textContent('[data-test=admin-staff]')).to.contain('该旗县区还没有工作人员');
    await b.screenshot(page, 'admin-region-picked');
  });

  it('adds the unit 热力公司 and a second one under it', async () => {
    const form = page.locator('[data-test=unit-form]');
    await form.locator('input[name=code]').fill('heating-company');
    await form.locator('input[name=name]').fill('热力公司');
    await form.locator('select[name=kind]').selectOption('utility');
    await form.locator('[data-action=save-unit]').click();
    await page.waitForSelector('[data-test=unit-table] tr[data-unit=heating-company]');
    // 添加下级 on the row fills the form's parent: the repair crew sits under the company.
    await page.click('[data-test=unit-table] tr[data-unit=heating-company] [data-action=add-child]');
    await page.fill('[data-test=unit-form] input[name=code]', 'heating-repair');
    await page.fill('[data-test=unit-form] input[name=name]', '热力公司维修班');
    await page.click('[data-test=unit-form] [data-action=save-unit]');
    await page.waitForSelector('[data-test=unit-table] tr[data-unit=heating-repair][data-depth="1"]');
    const groups = await t.call('GET', `/api/v1/groups?region=${REGION}`, { as: 'admin' });
    expect(groups.body.items).to.deep.include.members([
      { region: REGION, code: 'heating-company', name: '热力公司', parentCode: null, kind: 'utility', publicName: null, active: true },
      { region: REGION, code: 'heating-repair', name: '热力公司维修班', parentCode: 'heating-company', kind: null, publicName: null, active: true },
    ]);
    // Both are offered to the staff form.
    expect(await page.locator('[data-test=staff-form] input[name=groups]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).to.include.members(['heating-company', 'heating-repair']);
    await b.screenshot(page, 'admin-units');
  });

  it('creates a handler in 热力公司', async () => {
    const form = page.locator('[data-test=staff-form]');
    await form.locator('input[name=username]').fill(HANDLER);
    await form.locator('input[name=displayName]').fill('张师傅');
    await form.locator('input[name=password]').fill(FIRST_PASSWORD);
    await form.locator('select[name=role]').selectOption('handler');
    await form.locator('input[name=groups][value=heating-company]').check();
    await form.locator('[data-action=create-user]').click();
    await staffRow().waitFor();
    expect(await staffRow().textContent()).to.contain('张师傅').and.contain('承办人').and.contain('热力公司').and.contain('在用');
    expect(await storedUser(HANDLER)).to.deep.include({ role: 'handler', groups: ['heating-company'], active: true });
    expect(await loginStatus(HANDLER, FIRST_PASSWORD)).to.equal(200);
    await b.screenshot(page, 'admin-staff-created');
  });

  it('deactivates the handler (no login then) and reactivates them', async () => {
    await staffRow().locator('[data-action=deactivate]').click();
    await page.waitForFunction((u) => document.querySelector(`tr[data-username="${u}"] [data-test=staff-status]`)?.textContent === '已停用', HANDLER);
    expect((await storedUser(HANDLER))?.active).to.equal(false);
    expect(await loginStatus(HANDLER, FIRST_PASSWORD)).to.equal(401);
    // The list a dispatcher assigns from (no roles=all) leaves a deactivated account out.
    const workers = await t.call('GET', `/api/v1/users?region=${REGION}`, { as: 'admin' });
    expect(workers.body.items.map((u: { username: string }) => u.username)).not.to.include(HANDLER);
    await b.screenshot(page, 'admin-staff-deactivated');

    await staffRow().locator('[data-action=reactivate]').click();
    await page.waitForFunction((u) => document.querySelector(`tr[data-username="${u}"] [data-test=staff-status]`)?.textContent === '在用', HANDLER);
    expect((await storedUser(HANDLER))?.active).to.equal(true);
    const back = await t.call('GET', `/api/v1/users?region=${REGION}`, { as: 'admin' });
    expect(back.body.items).to.deep.include({ username: HANDLER, displayName: '张师傅', role: 'handler', region: REGION, groups: ['heating-company'] });
    await b.screenshot(page, 'admin-staff-reactivated');
  });

  it('resets the handler’s password: a short one is refused beside its field, then the old one stops working', async () => {
    await staffRow().locator('[data-action=reset-password]').click();
    const form = staffRow().locator('[data-test=password-form]');
    await form.locator('input[name=password]').fill('short');
    await form.locator('[data-action=reset-password-ok]').click();
    await form.locator('.field[data-field=password] .field-error:not(:empty)').waitFor();
    expect(await form.locator('.field[data-field=password] .field-error').textContent()).to.contain('at least 10 characters');
    await b.screenshot(page, 'admin-password-refused');

    await form.locator('input[name=password]').fill(NEW_PASSWORD);
    await form.locator('[data-action=reset-password-ok]').click();
    await staffRow().locator('[data-action=deactivate]').waitFor();
    expect(await page.locator('[data-test=password-form]').count()).to.equal(0);
    expect(await loginStatus(HANDLER, FIRST_PASSWORD)).to.equal(401);
    expect(await loginStatus(HANDLER, NEW_PASSWORD)).to.equal(200);
    await b.screenshot(page, 'admin-password-reset');
  });

  it('shows the region’s creation and edit on its change log', async () => {
    const rows = page.locator(`[data-test=change-table] tr[data-entity=region][data-key=${REGION}]`);
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(2);
    // Newest first: the edit of the city, then the creation.
    expect(await rows.nth(0).textContent()).to.contain('parentCity').and.contain('兴安盟 → 兴安盟（乌兰浩特）');
    expect(await rows.nth(1).textContent()).to.contain('新建').and.contain('admin').and.contain('casePrefix: KQ');
    const log = await t.call('GET', `/api/v1/regions/${REGION}/changes`, { as: 'admin' });
    const items = log.body.items as Array<{ entity: string; key: string; actor: string; before: unknown; after: Record<string, unknown> }>;
    expect(items.filter((c) => c.entity === 'region').map((c) => [c.entity, c.actor, c.before === null])).to.deep.equal([
      ['region', 'admin', false],
      ['region', 'admin', true],
    ]);
    // Units and accounts are on it too — a password reset as a fact, never the password.
    expect(items.filter((c) => c.entity === 'group').map((c) => c.key)).to.include.members(['heating-company', 'heating-repair']);
    const userChanges = items.filter((c) => c.entity === 'user' && c.key === HANDLER);
    expect(userChanges.some((c) => c.before === null)).to.equal(true);
    expect(userChanges.some((c) => c.after.passwordReset === true)).to.equal(true);
    expect(JSON.stringify(items)).to.not.include(NEW_PASSWORD).and.not.include(FIRST_PASSWORD);
    await b.screenshot(page, 'admin-change-log');
  });

  it('reads in English after the language switch', async () => {
    await page.click('[data-test=lang]');
    await page.waitForSelector('h1:has-text("Administration")');
    await page.waitForSelector(`[data-test=staff-table] tr[data-username="${HANDLER}"]`);
    expect(await staffRow().textContent()).to.contain('Handler').and.contain('Active');
    expect(await page.textContent('[data-test=admin-changes]')).to.contain('Change log').and.contain('Created');
    await b.screenshot(page, 'admin-en');
    await page.click('[data-test=lang]');
    await page.waitForSelector('h1:has-text("系统管理")');
  });

  it('fits a phone without sideways scrolling', async () => {
    const phone = await b.open(`/admin?region=${REGION}`, { phone: true });
    await phone.waitForSelector(`[data-test=staff-table] tr[data-username="${HANDLER}"]`);
    await phone.waitForSelector('[data-test=change-table]');
    expect(await phone.inputValue('[data-test=region-picker]')).to.equal(REGION);
    expect(await overflowsX(phone)).to.equal(false);
    await phone.click(`[data-test=staff-table] tr[data-username="${HANDLER}"] [data-action=reset-password]`);
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'admin-phone');
    await phone.close();
  });

  it('lets the new handler log in with the new password and see the task list', async () => {
    await loginAs(page, HANDLER, NEW_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/tasks');
    await page.waitForSelector('[data-test=task-filters]');
    await page.waitForSelector('[data-test=task-table], .empty-note');
    expect(await page.textContent('#topbar .user')).to.equal('张师傅');
    expect(await page.locator('#topbar a[href="/admin"]').count()).to.equal(0);
    await b.screenshot(page, 'admin-new-handler-tasks');
  });

  it('shows a dispatcher no admin link, and the forbidden view at /admin', async () => {
    await loginAs(page, 'yuquan.dispatcher');
    await page.waitForSelector('#topbar a[href="/tasks"]');
    expect(await page.locator('#topbar a[href="/admin"]').count()).to.equal(0);
    await page.goto('/admin');
    await page.waitForSelector('h1:has-text("无权访问")');
    expect(await page.locator('[data-test=admin-regions]').count()).to.equal(0);
    expect((await t.call('GET', `/api/v1/users?region=yuquan&roles=all`, { as: 'yuquan.dispatcher' })).status).to.equal(403);
    await b.screenshot(page, 'admin-forbidden');
  });

  it('logged no console errors besides the refusals the test provoked', () => {
    expect(b.consoleErrors([/status of 422/, /status of 409/])).to.deep.equal([]);
  });
});
