import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, SCREENSHOTS, startBrowserApp, type BrowserSession, overflowsX } from '../support/browser.ts';
import { NOTICE_2026 } from '../unit/sla/notice-2026.ts';


const REGION = 'zhalantun';
const UNIT = 'heating-company';
const HANDLER = 'zhalantun.heating';
const HEADER = '一级分类编码,一级分类名称,二级分类编码,二级分类名称,三级分类编码,三级分类名称,关键词,默认承办单位,状态';

interface NodeView {
  code: string;
  name: string;
  keywords: string[];
  defaultUnit: string | null;
  active: boolean;
  children: NodeView[];
}

/** The region's tree as the three-level CSV an admin would keep in Excel: one row per node, its path's codes and names first. */
function csvOf(nodes: NodeView[], extra: string[][]): string {
  const lines: string[][] = [];
  const walk = (list: NodeView[], path: string[]) =>
    list.forEach((n) => {
      const at = [...path, n.code, n.name];
      lines.push([...at, ...Array(6 - at.length).fill(''), n.keywords.join('；'), n.defaultUnit ?? '', n.active ? '启用' : '停用']);
      walk(n.children, at);
    });
  walk(nodes, []);
  const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return [HEADER, ...[...lines, ...extra].map((cells) => cells.map(quote).join(','))].join('\r\n');
}

const HEATING = [
  ['CX', '城乡建设', 'GN', '供暖', '', '', '供暖；暖气', UNIT, '启用'],
  ['CX', '城乡建设', 'GN', '供暖', 'GN01', '供暖不热', '暖气不热；温度低', UNIT, '启用'],
  ['CX', '城乡建设', 'GN', '供暖', 'GN02', '停暖', '停暖；未供暖', UNIT, '启用'],
];

describe('e2e: an admin sets up a new region entirely in the console — catalogue, unit, staff, SLA limits, calendar, office hours', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const api = async (path: string) => {
    const res = await t.call('GET', path, { as: 'admin' });
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };
  const tab = async (id: string, ready: string) => {
    await page.click(`[data-test=admin-tabs] [data-tab=${id}]`);
    await page.waitForSelector(ready);
  };
  /** Clicks a save button and waits for the page's "已保存" notice (emptied first, so an earlier one does not count). */
  const savedBy = async (button: string) => {
    await page.evaluate(() => document.getElementById('toast')?.replaceChildren());
    await page.click(button);
    await page.waitForFunction(() => document.getElementById('toast')?.textContent?.includes('已保存'));
  };
  const node = (code: string) => page.locator(`[data-test=catalogue-tree] li[data-code="${code}"] > .cat-node`);

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
    await loginAs(page, 'admin');
    await page.goto('/admin');
    await page.waitForSelector('[data-test=region-form]');
  });
  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('creates the region 扎兰屯市 and picks it', async () => {
    const form = page.locator('[data-test=region-form]');
    await form.locator('input[name=id]').fill(REGION);
    await form.locator('input[name=name]').fill('扎兰屯市');
    await form.locator('input[name=casePrefix]').fill('ZLT');
    await form.locator('input[name=parentCity]').fill('呼伦贝尔市');
    await form.locator('[data-action=save-region]').click();
    await page.waitForSelector(`[data-test=region-table] tr[data-region=${REGION}]`);
    await page.selectOption('[data-test=region-picker]', REGION);
    await page.waitForSelector('[data-test=admin-units] tr[data-unit=dispatchers]');
    expect((await api('/api/v1/regions')).items.find((r: { id: string }) => r.id === REGION)).to.include({ name: '扎兰屯市', casePrefix: 'ZLT' });
  });

  it('adds the unit 热力公司 and a handler in it on the units & staff tab', async () => {
    await page.fill('[data-test=unit-form] input[name=code]', UNIT);
    await page.fill('[data-test=unit-form] input[name=name]', '扎兰屯热力公司');
    await page.click('[data-test=unit-form] [data-action=save-unit]');
    await page.waitForSelector(`[data-test=staff-form] input[name=groups][value=${UNIT}]`);
    const form = page.locator('[data-test=staff-form]');
    await form.locator('input[name=username]').fill(HANDLER);
    await form.locator('input[name=displayName]').fill('李师傅');
    await form.locator('input[name=password]').fill('first-pass-2026');
    await form.locator('select[name=role]').selectOption('handler');
    await form.locator(`input[name=groups][value=${UNIT}]`).check();
    await form.locator('[data-action=create-user]').click();
    await page.waitForSelector(`[data-test=staff-table] tr[data-username="${HANDLER}"]`);
    expect((await api(`/api/v1/groups?region=${REGION}`)).items.find((g: { code: string }) => g.code === UNIT)).to.include({ region: REGION, name: '扎兰屯热力公司' });
    const user = (await api(`/api/v1/users?region=${REGION}&roles=all`)).items.find((u: { username: string }) => u.username === HANDLER);
    expect(user).to.deep.include({ role: 'handler', groups: [UNIT], active: true });
  });

  it('imports a catalogue CSV with a 供暖 branch: a bad file is refused row by row, the fixed one is taken', async () => {
    await tab('catalogue', '[data-test=catalogue-tree] li[data-code=CX]');
    expect(await node('CX').textContent()).to.contain('城乡建设').and.contain('继承');
    const inherited: NodeView[] = (await api(`/api/v1/regions/${REGION}/catalogue`)).nodes;

    const bad = csvOf(inherited, [...HEATING, ['CX', '城乡建设', 'GN', '供暖', 'GN09', '单位写错', '', 'heating-compny', '启用']]);
    await page.setInputFiles('[data-test=catalogue-file]', { name: '诉求分类.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.click('[data-action=import-file]');
    const errorRow = page.locator('[data-test=import-errors] tbody tr');
    await errorRow.first().waitFor();
    expect(await errorRow.count()).to.equal(1);
    expect(await errorRow.textContent()).to.contain(String(bad.split('\r\n').length)).and.contain('默认承办单位').and.contain('本旗县区没有承办单位 heating-compny');
    expect(await page.textContent('[data-test=catalogue-import-result]')).to.contain('未做任何修改');
    await b.screenshot(page, 'admin-setup-catalogue-refused');
    expect((await api(`/api/v1/regions/${REGION}/catalogue`)).nodes).to.deep.equal(inherited);

    await page.setInputFiles('[data-test=catalogue-file]', { name: '诉求分类.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(inherited, HEATING)) });
    await page.click('[data-action=import-file]');
    await page.waitForSelector('[data-test=catalogue-imported]');
    await page.click('[data-action=cat-expand]');
    await node('GN01').waitFor();
    expect(await node('GN').textContent()).to.contain('供暖').and.contain('本地').and.contain('扎兰屯热力公司');
    const cx = (await api(`/api/v1/regions/${REGION}/catalogue`)).nodes.find((n: NodeView) => n.code === 'CX');
    expect(cx.children.find((n: NodeView) => n.code === 'GN').children.map((n: NodeView) => `${n.code} ${n.name} ${n.defaultUnit}`)).to.deep.equal([`GN01 供暖不热 ${UNIT}`, `GN02 停暖 ${UNIT}`]);
    await b.screenshot(page, 'admin-setup-catalogue-imported');
  });

  it('edits the tree: adds a child, renames and retires a node, hides an inherited branch, and saves', async () => {
    await node('GN').locator('[data-action=cat-add-child]').click();
    const add = page.locator('[data-test=cat-add-form]');
    await add.locator('input[name=code]').fill('GN03');
    await add.locator('input[name=name]').fill('室温不达标');
    await add.locator('input[name=keywords]').fill('室温低、不到18度');
    await add.locator('select[name=defaultUnit]').selectOption(UNIT);
    await add.locator('[data-action=cat-apply]').click();
    await node('GN03').waitFor();

    await node('GN02').locator('[data-action=cat-edit]').click();
    await page.fill('[data-test=cat-edit-form] input[name=name]', '停暖/未按时供暖');
    await page.click('[data-test=cat-edit-form] [data-action=cat-apply]');
    await node('GN02').locator('[data-action=cat-retire]').click();
    await node('TY').locator('[data-action=cat-hide]').click();
    expect(await node('TY').textContent()).to.contain('已隐藏');
    expect(await page.textContent('[data-test=catalogue-status]')).to.contain('未保存');
    await page.click('[data-action=cat-save]');
    await page.waitForFunction(() => document.querySelector('[data-test=catalogue-status]')?.textContent === '');

    const stored = await api(`/api/v1/regions/${REGION}/catalogue`);
    expect(stored.hidden).to.include('TY');
    const gn: NodeView = stored.nodes.find((n: NodeView) => n.code === 'CX').children.find((n: NodeView) => n.code === 'GN');
    expect(gn.children.map((n) => [n.code, n.name, n.active])).to.deep.equal([['GN01', '供暖不热', true], ['GN02', '停暖/未按时供暖', false], ['GN03', '室温不达标', true]]);
    expect(gn.children[2]).to.deep.include({ keywords: ['室温低', '不到18度'], defaultUnit: UNIT });
    // The hidden branch stays on the page, greyed, to be restored.
    expect(await node('TY').locator('[data-action=cat-restore]').count()).to.equal(1);
    expect(await page.locator('[data-test=catalogue-tree] li[data-code=veterans]').count()).to.equal(1);
    await b.screenshot(page, 'admin-setup-catalogue-edited');
  });

  it('sets the 供暖 limits: a bad duration is refused beside its cell, inherited cells show their source, the saved cell reads "2 工作日"', async () => {
    await tab('limits', '[data-test=limits-table] tr[data-category="*"]');
    await page.selectOption('[data-test=limits-add-category]', 'GN');
    const cellOf = (u: string) => page.locator(`[data-test=limits-table] td[data-cell="GN|${u}"]`);
    await cellOf('normal').waitFor();
    expect(await cellOf('urgent').locator('.limit-source').textContent()).to.contain('继承自默认');
    await cellOf('normal').locator('input[data-kind=response]').fill('两小时');
    await cellOf('normal').locator('input[data-kind=resolution]').fill('2wd');
    expect(await cellOf('normal').textContent()).to.contain('无法识别').and.contain('2 工作日');
    await page.click('[data-action=save-limits]');
    await page.waitForFunction(() => document.querySelector('td[data-cell="GN|normal"] .field-error')?.textContent?.includes('无法识别的时限'));
    expect((await api(`/api/v1/sla/limits/${REGION}`)).limits.filter((l: { region: string }) => l.region === REGION)).to.deep.equal([]);

    await cellOf('normal').locator('input[data-kind=response]').fill('4wh');
    await cellOf('urgent').locator('input[data-kind=response]').fill('PT2H');
    await cellOf('urgent').locator('input[data-kind=resolution]').fill('P1DT12H');
    expect(await cellOf('urgent').textContent()).to.contain('2 小时').and.contain('1 天 12 小时');
    await page.click('[data-action=save-limits]');
    await page.waitForSelector('[data-test=limits-table] td.own[data-cell="GN|urgent"]');
    const own = (await api(`/api/v1/sla/limits/${REGION}`)).limits.filter((l: { region: string }) => l.region === REGION);
    expect(own.map((l: { category: string; urgency: string; response: string; resolution: string }) => `${l.category} ${l.urgency} ${l.response} ${l.resolution}`).sort()).to.deep.equal(['GN normal 4wh 2wd', 'GN urgent PT2H P1DT12H']);
    await b.screenshot(page, 'admin-setup-limits');

    // Clearing a cell drops the region's row: it inherits again.
    await cellOf('urgent').locator('[data-action=clear-limit]').click();
    await page.click('[data-action=save-limits]');
    await page.waitForSelector('[data-test=limits-table] td.inherits[data-cell="GN|urgent"]');
    expect((await api(`/api/v1/sla/limits/${REGION}`)).limits.filter((l: { region: string }) => l.region === REGION).map((l: { urgency: string }) => l.urgency)).to.deep.equal(['normal']);
  });

  it('reads the 2026 State Council notice into the year view, toggles a day, and saves the year', async () => {
    await tab('calendar', '[data-test=year-grid] button[data-day="2026-02-14"]');
    await page.selectOption('[data-test=calendar-year]', '2026');
    await page.waitForSelector('[data-test=year-grid] button[data-day="2026-02-14"]');
    // Before: inherited from default (dashed), nothing of the region's own.
    expect(await page.getAttribute('button[data-day="2026-02-14"]', 'class')).to.equal('day workday');

    await page.click('[data-test=notice-import] summary');
    await page.fill('[data-test=notice-text]', '一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。');
    await page.click('[data-action=read-notice]');
    await page.waitForSelector('[data-test=notice-errors] tbody tr');
    expect(await page.textContent('[data-test=notice-preview]')).to.contain('1 行无法识别').and.contain('共4天').and.contain('天数不一致');

    await page.fill('[data-test=notice-text]', NOTICE_2026.replace(/，/g, ',').replace(/：/g, ':'));
    await page.click('[data-action=read-notice]');
    await page.waitForSelector('[data-action=apply-notice]');
    const preview = await page.textContent('[data-test=notice-preview]');
    expect(preview).to.contain('春节').and.contain('02-15 – 02-23').and.contain('放假 9 天').and.contain('02-14、02-28 上班');
    await b.screenshot(page, 'admin-setup-notice-preview');
    await page.click('[data-action=apply-notice]');
    expect(await page.getAttribute('button[data-day="2026-02-14"]', 'class')).to.equal('day workday own');
    expect(await page.textContent('[data-test=calendar-summary]')).to.contain('33 个放假日、6 个调休上班日');

    const day = page.locator('button[data-day="2026-07-15"]');
    await day.click();
    expect(await day.getAttribute('data-state')).to.equal('holiday');
    await day.click();
    expect(await day.getAttribute('data-state')).to.equal('workday');
    await day.click();
    expect(await day.getAttribute('data-state')).to.equal('normal');
    await page.locator('button[data-day="2026-07-16"]').click();

    await page.click('[data-action=save-calendar]');
    await page.waitForFunction(() => document.querySelector('[data-test=calendar-summary]')?.textContent?.includes('admin'));
    const year = await api(`/api/v1/calendar/${REGION}/2026`);
    expect(year.ownDays).to.have.length(40);
    expect(year.ownDays).to.deep.include({ day: '2026-02-14', kind: 'workday', name: '春节调休上班' });
    expect(year.ownDays).to.deep.include({ day: '2026-07-16', kind: 'holiday', name: null });
    expect(year.loadedBy.find((l: { region: string }) => l.region === REGION)).to.include({ by: 'admin', source: '国务院办公厅节假日安排通知' });
    await b.screenshot(page, 'admin-setup-calendar');
  });

  it('sets office hours: periods out of order are refused in words, good ones stored', async () => {
    await tab('hours', '[data-test=hours-form] [data-period="1"]');
    await page.fill('input[name=period-0-0]', '09:00');
    await page.fill('input[name=period-0-1]', '12:00');
    await page.fill('input[name=period-1-0]', '11:00');
    await page.fill('input[name=period-1-1]', '17:30');
    await page.click('[data-action=save-hours]');
    await page.waitForFunction(() => document.querySelector('[data-field-error=periods]')?.textContent?.includes('重叠'));
    await page.fill('input[name=period-1-0]', '13:30');
    await page.click('[data-action=add-period]');
    await page.fill('input[name=period-2-0]', '19:00');
    await page.fill('input[name=period-2-1]', '20:00');
    await savedBy('[data-action=save-hours]');
    expect(await page.textContent('[data-field-error=periods]')).to.equal('');
    expect((await api(`/api/v1/calendar/${REGION}/2026`)).officeHours).to.deep.equal({ timeZone: 'Asia/Shanghai', periods: [['09:00', '12:00'], ['13:30', '17:30'], ['19:00', '20:00']] });
    await b.screenshot(page, 'admin-setup-hours');
  });

  it('lists every piece on the change log tab, and the API has them all', async () => {
    await tab('people', '[data-test=change-table]');
    const rows = (entity: string, key: string) => page.locator(`[data-test=change-table] tr[data-entity=${entity}][data-key="${key}"]`);
    for (const [entity, key] of [['region', REGION], ['group', UNIT], ['user', HANDLER], ['catalogue', REGION], ['sla_limits', REGION], ['calendar', '2026'], ['calendar', 'office-hours']]) {
      expect(await rows(entity!, key!).count(), `${entity} ${key}`).to.be.greaterThan(0);
    }
    expect(await rows('catalogue', REGION).count()).to.equal(2);
    expect(await rows('catalogue', REGION).first().textContent()).to.contain('诉求目录').and.contain('GN03');
    const log = (await api(`/api/v1/regions/${REGION}/changes?limit=100`)).items as Array<{ entity: string; actor: string }>;
    expect(log.map((c) => c.entity)).to.include.members(['region', 'group', 'user', 'catalogue', 'sla_limits', 'calendar']);
    expect(log.every((c) => c.actor === 'admin')).to.equal(true);
    await b.screenshot(page, 'admin-setup-change-log');
  });

  it('reads in English', async () => {
    await page.click('[data-test=lang]');
    await page.waitForSelector('h1:has-text("Administration")');
    await tab('calendar', '[data-test=year-grid]');
    expect(await page.textContent('[data-test=admin-calendar]')).to.contain('Working calendar').and.contain('Import the State Council notice');
    await tab('limits', '[data-test=limits-table]');
    expect(await page.textContent('[data-test=admin-limits]')).to.contain('4 working hours').and.contain('2 working days');
    await b.screenshot(page, 'admin-setup-en');
    await page.click('[data-test=lang]');
    await page.waitForSelector('h1:has-text("系统管理")');
  });

  it('fits a phone: every new tab without sideways scrolling', async () => {
    const closeUp = { catalogue: '[data-test=catalogue-tree] li[data-code=GN]', limits: '[data-test=limits-table] tr[data-category=GN]', calendar: '[data-test=year-grid] .month[data-month="2"]', hours: '[data-test=admin-hours]' };
    const phone = await b.open(`/admin?region=${REGION}&tab=catalogue`, { phone: true });
    for (const [id, ready] of [['catalogue', '[data-test=catalogue-tree] li'], ['limits', '[data-test=limits-table]'], ['calendar', '[data-test=year-grid] button[data-day]'], ['hours', '[data-test=hours-form]']] as const) {
      await phone.click(`[data-test=admin-tabs] [data-tab=${id}]`);
      await phone.waitForSelector(ready);
      if (id === 'catalogue') await phone.click('[data-action=cat-expand]');
      expect(await overflowsX(phone), id).to.equal(false);
      await b.screenshot(phone, `admin-setup-phone-${id}`);
      // A close-up of one part, readable at the phone's own size.
      await phone.locator(closeUp[id]).first().screenshot({ path: path.join(SCREENSHOTS, `admin-setup-phone-${id}-part.png`) });
    }
    await phone.close();
  });

  it('logged no console errors besides the refusals the test provoked', () => {
    expect(b.consoleErrors([/status of 422/])).to.deep.equal([]);
  });
});
