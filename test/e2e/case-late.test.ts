import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DAY } from '../../server/clock/index.ts';
import { sweepSla } from '../../server/sla/index.ts';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { complete, openTask, submit } from '../support/cases.ts';

describe('e2e: 只看超期 shows a task whose case is late though the task itself is not', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('given a case past its response deadline with a verify task still in time, then the handler\'s 只看超期 list shows the task, marked 工单已超期, at phone width too', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'road', title: '井盖缺失' });
    await complete(t, c.id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    const verify = await openTask(t, c.id, 'verify');
    // Past the case's response deadline; the verify task (a working day from dispatch) is moved out of the way.
    await t.db.knex('sla_clocks').where({ case_id: c.id, kind: 'response' }).update({ due_at: new Date(t.clock.now().getTime() - 1000) });
    await t.db.knex('tasks').where({ id: verify.id }).update({ due_at: new Date(t.clock.now().getTime() + 3 * DAY) });
    await sweepSla(t.app.ctx);

    page = await b.open('/');
    await loginAs(page, 'yuquan.handler');
    await page.goto('/tasks?overdue=true');
    const row = page.locator(`tr[data-task-id="${verify.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).to.contain('工单已超期');
    expect(await row.getAttribute('class')).to.contain('due-overdue');
    await b.screenshot(page, 'tasks-case-overdue');
    await page.setViewportSize({ width: 390, height: 844 });
    await row.waitFor();
    await b.screenshot(page, 'tasks-case-overdue-phone');
    expect(b.consoleErrors()).to.deep.equal([]);
  });
});
