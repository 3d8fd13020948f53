import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { caseDetail, complete, openTask, submit } from '../support/cases.ts';

const DAY = 86_400_000;

/** A `datetime-local` value `ms` from now in the browser's zone (Asia/Shanghai, see test/support/browser.ts). */
function localIn(ms: number): string {
  const d = new Date(Date.now() + ms + 8 * 3_600_000);
  return d.toISOString().slice(0, 16);
}

/** Opens an action's form on the case page, fills it with `fill`, submits it and waits for the answer. */
async function act(page: Page, caseId: number, action: string, fill: (form: string) => Promise<void>, route: RegExp) {
  await page.goto(`/cases/${caseId}`);
  await page.click(`[data-test=case-actions] details[data-action=${action}] summary`);
  const form = `[data-test=action-form-${action}]`;
  await fill(form);
  const answer = page.waitForResponse((r) => route.test(new URL(r.url()).pathname) && r.request().method() === 'POST');
  await page.click(`${form} button[type=submit]`);
  return answer;
}

describe('e2e: every work-order action on the case page, by the role that takes it', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const c: Record<string, { id: number; caseNo: string }> = {};

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    page = await b.open('/');
    const make = (title: string, category = 'road') => submit(t, { region: 'yuquan', category, title, description: title });
    for (const k of ['parent', 'child', 'transfer', 'refuse']) c[k] = await make(`${k} 路灯不亮`);
    for (const k of ['cohandle', 'urge', 'review', 'extend', 'phone']) {
      c[k] = await make(`${k} 路面塌陷`);
      await complete(t, c[k].id, 'dispatch', 'yuquan.dispatcher', { department: 'city-management' });
    }
    // A 延期 waiting for the leader: asked by the handler through the API.
    const verify = await openTask(t, c.review.id, 'verify');
    const ask = await t.call('POST', `/api/v1/tasks/${verify.id}/extension`, { as: 'yuquan.handler', body: { reason: '需协调施工队', requestedDue: new Date(new Date(verify.dueAt).getTime() + 3 * DAY).toISOString() } });
    expect(ask.status, ask.text).to.equal(201);
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  describe('dispatcher', () => {
    before(async () => loginAs(page, 'yuquan.dispatcher'));

    it('sees the desk actions and no leader ones', async () => {
      await page.goto(`/cases/${c.cohandle.id}`);
      await page.waitForSelector('[data-test=case-actions]');
      const actions = await page.$$eval('[data-test=case-actions] details', (els) => els.map((e) => e.getAttribute('data-action')));
      expect(actions).to.deep.equal(['merge', 'transfer', 'notAccepted', 'coHandle', 'supervise', 'remind']);
      expect(await page.textContent('[data-test=case-actions]')).to.contain('并单').and.contain('转办').and.contain('不予受理').and.contain('协办');
    });

    it('并单: an unknown number is refused in words; the parent number (any case) merges it', async () => {
      await page.goto(`/cases/${c.child.id}`);
      await page.click('[data-test=case-actions] details[data-action=merge] summary');
      await page.fill('[data-test=action-form-merge] input[name=parentNo]', 'NOPE-1');
      await page.click('[data-test=action-form-merge] button[type=submit]');
      await page.waitForSelector('[data-test=action-form-merge] [data-test=action-error]:not([hidden])');
      expect(await page.textContent('[data-test=action-form-merge] [data-test=action-error]')).to.contain('未找到工单 NOPE-1');
      // The duplicates panel (features/duplicates) offers the parent: a pick fills its number.
      await page.waitForSelector('[data-test=merge-suggestions] [data-test=dup-list], [data-test=merge-suggestions] [data-test=dup-none]');
      const suggested = page.locator(`[data-test=merge-suggestions] li[data-case-id="${c.parent.id}"] [data-action=dup-pick]`);
      if (await suggested.count()) {
        await suggested.click();
        expect(await page.inputValue('[data-test=action-form-merge] input[name=parentNo]')).to.equal(c.parent.caseNo);
      }
      // Typed by hand, in any letter case, it resolves as well.
      await page.fill('[data-test=action-form-merge] input[name=parentNo]', c.parent.caseNo.toLowerCase());
      await page.fill('[data-test=action-form-merge] textarea[name=reason]', '同一路灯重复反映');
      const answer = page.waitForResponse((r) => r.url().endsWith(`/cases/${c.child.id}/merge`));
      await page.click('[data-test=action-form-merge] button[type=submit]');
      expect((await answer).status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="case.merged"]');
      const d = await caseDetail(t, c.child.id);
      expect(d.status).to.equal('merged');
      expect(d.parentCaseId).to.equal(c.parent.id);
      await b.screenshot(page, 'case-actions-merged');
    });

    it('转办 to 119 closes the case with the reason', async () => {
      const res = await act(page, c.transfer.id, 'transfer', async (f) => {
        await page.selectOption(`${f} select[name=to]`, '119');
        await page.fill(`${f} textarea[name=reason]`, '楼道起火');
      }, /\/transfer$/);
      expect(res.status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="case.transferred"]');
      const d = await caseDetail(t, c.transfer.id);
      expect(d).to.include({ status: 'closed', closeKind: 'emergency' });
      // A closed case offers the dispatcher only 重办.
      expect(await page.$$eval('[data-test=case-actions] details', (els) => els.map((e) => e.getAttribute('data-action')))).to.deep.equal(['reopen']);
    });

    it('不予受理 with the legal route closes the case', async () => {
      const res = await act(page, c.refuse.id, 'notAccepted', async (f) => {
        await page.fill(`${f} textarea[name=reason]`, '法院判决执行问题');
        await page.fill(`${f} textarea[name=legalRoute]`, '向法院申请强制执行');
      }, /\/not-accepted$/);
      expect(res.status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="case.not_accepted"]');
      expect(await caseDetail(t, c.refuse.id)).to.include({ status: 'closed', closeKind: 'not_accepted' });
    });

    it('协办: picks a unit beside the lead unit; its task opens', async () => {
      const res = await act(page, c.cohandle.id, 'coHandle', async (f) => {
        await page.check(`${f} input[name=group][value=housing]`);
        await page.fill(`${f} textarea[name=note]`, '请住建局协助');
      }, /\/co-handlers$/);
      expect(res.status()).to.equal(201);
      await page.waitForSelector('[data-test=case-actions]');
      const d = await caseDetail(t, c.cohandle.id);
      expect(d.openTasks.filter((x: { kind: string }) => x.kind === 'cohandle').map((x: { candidateGroups: string[] }) => x.candidateGroups)).to.deep.equal([['housing']]);
    });
  });

  describe('leader', () => {
    before(async () => loginAs(page, 'yuquan.leader'));

    it('领导认领: takes charge; the action is gone after', async () => {
      const res = await act(page, c.urge.id, 'claim', async (f) => page.fill(`${f} textarea[name=note]`, '我来包案'), /\/claim$/);
      expect(res.status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="case.leader_claimed"]');
      await page.waitForSelector('[data-test=case-actions]');
      expect(await page.locator('[data-test=case-actions] details[data-action=claim]').count()).to.equal(0);
      expect((await caseDetail(t, c.urge.id)).leaderClaim.by).to.equal('yuquan.leader');
    });

    it('督办 with a due time marks the unit\'s task and the timeline', async () => {
      const res = await act(page, c.urge.id, 'supervise', async (f) => {
        await page.fill(`${f} textarea[name=note]`, '请两日内反馈处置情况');
        await page.fill(`${f} input[name=dueAt]`, localIn(2 * DAY));
      }, /\/urge$/);
      expect(res.status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="case.supervised"]');
      expect(await page.textContent('[data-test=timeline] li[data-type="case.supervised"]')).to.contain('督办').and.contain('请两日内反馈处置情况');
      const verify = await openTask(t, c.urge.id, 'verify');
      expect(verify.urge).to.include({ kind: 'supervise', note: '请两日内反馈处置情况', by: 'yuquan.leader' });
    });

    it('催办 records a reminder; the handler\'s task list and task show both marks', async () => {
      const res = await act(page, c.urge.id, 'remind', async (f) => page.fill(`${f} textarea[name=note]`, '群众再次来电'), /\/urge$/);
      expect(res.status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="case.reminded"]');
      expect((await openTask(t, c.urge.id, 'verify')).urge.kind).to.equal('remind');
    });

    it('延期审批: sees the request and approves it; the task\'s due time moves', async () => {
      const verify = await openTask(t, c.review.id, 'verify');
      await page.goto(`/cases/${c.review.id}`);
      const review = (await caseDetail(t, c.review.id)).openTasks.find((x: { kind: string }) => x.kind === 'extension_review');
      const id = `extensionReview-${review.id}`;
      await page.click(`details[data-action=${id}] summary`);
      expect(await page.textContent(`[data-test=action-form-${id}] [data-test=extension-request]`)).to.contain('需协调施工队').and.contain('yuquan.handler');
      await page.fill(`[data-test=action-form-${id}] textarea[name=note]`, '同意');
      const answer = page.waitForResponse((r) => r.url().endsWith(`/tasks/${review.id}/complete`));
      await page.click(`[data-test=action-form-${id}] button[type=submit]`);
      expect((await answer).status()).to.equal(200);
      await page.waitForSelector('[data-test=timeline] li[data-type="sla.extended"]');
      const after = await openTask(t, c.review.id, 'verify');
      expect(new Date(after.dueAt).getTime()).to.be.greaterThan(new Date(verify.dueAt).getTime() + 2 * DAY);
      await b.screenshot(page, 'case-actions-leader');
    });
  });

  describe('handler', () => {
    before(async () => loginAs(page, 'yuquan.handler'));

    it('sees the 督办/催办 mark in the task list and on the task', async () => {
      const verify = await openTask(t, c.urge.id, 'verify');
      await page.goto('/tasks');
      await page.waitForSelector(`tr[data-task-id="${verify.id}"] [data-test=urge-badge]`);
      expect(await page.textContent(`tr[data-task-id="${verify.id}"] [data-test=urge-badge]`)).to.equal('催办');
      await page.goto(`/cases/${c.urge.id}?task=${verify.id}`);
      expect(await page.textContent('[data-test=task-urge]')).to.contain('群众再次来电');
    });

    it('延期: asks from the case page; a review waits for the leaders', async () => {
      const res = await act(page, c.extend.id, 'extension', async (f) => {
        await page.fill(`${f} input[name=requestedDue]`, localIn(20 * DAY));
        await page.fill(`${f} textarea[name=reason]`, '需等待材料到货');
      }, /\/extension$/);
      expect(res.status()).to.equal(201);
      await page.waitForSelector('[data-test=timeline] li[data-type="task.extension_requested"]');
      const d = await caseDetail(t, c.extend.id);
      expect(d.openTasks.find((x: { kind: string }) => x.kind === 'extension_review').request.reason).to.equal('需等待材料到货');
    });

    it('on a phone: the form comes first, the diagram behind 查看流程图; completing opens the next step', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const verify = await openTask(t, c.phone.id, 'verify');
      await page.goto(`/cases/${c.phone.id}?task=${verify.id}`);
      await page.waitForSelector('[data-test=task-form]');
      const form = await page.locator('[data-test=task-form]').boundingBox();
      const toggle = await page.locator('[data-test=diagram-toggle]').boundingBox();
      expect(form!.y).to.be.lessThan(toggle!.y);
      expect(form!.y).to.be.lessThan(844);
      expect(await page.locator('[data-test=case-diagram]').isVisible()).to.equal(false);
      await b.screenshot(page, 'case-phone-form-first');
      await page.click('[data-test=diagram-toggle]');
      await page.waitForSelector('[data-test=case-diagram] .djs-element.path-current[data-element-id=verify]', { state: 'visible' });
      await b.screenshot(page, 'case-phone-diagram-open');
      await page.click('[data-test=diagram-toggle]');
      await page.check('.field[data-field=valid] input[value=true]');
      await page.fill('.field[data-field=finding] textarea', '现场属实');
      await page.click('[data-test=task-form] button[type=submit]');
      const resolve = await (async () => {
        for (;;) {
          const d = await caseDetail(t, c.phone.id);
          const r = d.openTasks.find((x: { elementId: string }) => x.elementId === 'resolve');
          if (r) return r;
          await page.waitForTimeout(100);
        }
      })();
      await page.waitForURL((u) => u.search === `?task=${resolve.id}`);
      await page.waitForSelector(`.task-panel[data-task-id="${resolve.id}"] .field[data-field=resolution]`);
      // 签收 on submit: the completed step was signed for by whoever completed it.
      const done = (await caseDetail(t, c.phone.id)).tasks.find((x: { id: number }) => x.id === verify.id);
      expect(done).to.include({ assignee: 'yuquan.handler', completedBy: 'yuquan.handler' });
      await b.screenshot(page, 'case-phone-next-task');
    });

    it('a comment saved beside the form keeps what was typed in the form', async () => {
      await page.fill('.field[data-field=resolution] textarea', '已安排施工队修复路面');
      await page.fill('[data-test=comment-form] textarea[name=body]', '施工队明早到场');
      await page.click('[data-test=comment-form] button[type=submit]');
      await page.waitForSelector('[data-test=comments] li');
      expect(await page.textContent('[data-test=comments]')).to.contain('施工队明早到场');
      expect(await page.inputValue('.field[data-field=resolution] textarea')).to.equal('已安排施工队修复路面');
      expect(await page.inputValue('[data-test=comment-form] textarea[name=body]')).to.equal('');
      await page.waitForSelector('[data-test=timeline] li[data-type="comment.added"], [data-test=timeline] li[data-type="comment.created"], [data-test=timeline] li[data-type="case.commented"]');
      await page.setViewportSize({ width: 1440, height: 900 });
    });
  });

  describe('designer', () => {
    before(async () => loginAs(page, 'zhalaite.designer'));

    it('warns before leaving with unsaved edits: the app\'s links ask, and so does closing the tab', async () => {
      await page.waitForSelector('.djs-element[data-element-id="dispatch"]');
      // Nothing edited yet: leaving asks nothing.
      await page.click('#topbar a[href="/incidents"]');
      await page.waitForURL((u) => u.pathname === '/incidents');
      await page.goto('/designer');
      await page.waitForSelector('.djs-element[data-element-id="dispatch"]', { timeout: 40_000 }).catch(async (err) => {
        await b.screenshot(page, 'designer-unsaved-debug');
        throw err;
      });
      await page.click('.djs-element[data-element-id="dispatch"]');
      await page.click('.djs-context-pad .entry[data-action="delete"]');
      const dialogs: string[] = [];
      page.once('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
      await page.click('#topbar a[href="/incidents"]');
      await page.waitForTimeout(200);
      expect(dialogs).to.deep.equal(['流程图有未保存的修改，确定离开吗？']);
      expect(new URL(page.url()).pathname).to.equal('/designer');
      expect(await page.locator('.djs-element[data-element-id="dispatch"]').count()).to.equal(0); // the edit is still there
      const unload = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.accept())));
      await page.close({ runBeforeUnload: true });
      expect(await unload).to.equal('beforeunload');
    });
  });

  describe('afterwards', () => {
    it('logged no console errors (besides refusals the tests provoke)', () => {
      expect(b.consoleErrors([/status of 4\d\d/])).to.deep.equal([]);
    });
  });
});
