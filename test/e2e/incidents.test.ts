import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession, overflowsX } from '../support/browser.ts';
import { caseDetail, submit } from '../support/cases.ts';

/**
 * A process the deploy check accepts but the runtime refuses: the reminder timer's duration is
 * the case's title (`=title`), and a title of "PT0S" is a zero duration, which the timers port
 * rejects when it computes the timer — the intake step rolls back into a `timer_rejected` incident.
 */
const BROKEN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="defs" targetNamespace="http://bangni.test">
  <bpmn:process id="broken-reminder" name="提醒时限取自标题（故意出错）" isExecutable="true">
    <bpmn:startEvent id="start" name="受理" />
    <bpmn:userTask id="handle" name="办理" camunda:candidateGroups="dispatchers" />
    <bpmn:boundaryEvent id="remind" name="提醒" attachedToRef="handle" cancelActivity="false">
      <bpmn:timerEventDefinition id="remind_def"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=title</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end" name="办结" />
    <bpmn:endEvent id="reminded" name="已提醒" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="reminded" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="broken-reminder">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="handle_di" bpmnElement="handle"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="402" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="reminded_di" bpmnElement="reminded"><dc:Bounds x="402" y="212" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="remind_di" bpmnElement="remind"><dc:Bounds x="272" y="142" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="340" y="120" /><di:waypoint x="402" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f3_di" bpmnElement="f3"><di:waypoint x="290" y="178" /><di:waypoint x="290" y="230" /><di:waypoint x="402" y="230" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const REASON = '系统故障导致您的诉求未能自动流转，工作人员已电话联系您答复。';


describe('e2e: incidents are visible and recoverable in the browser', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const cases: Record<'a' | 'b', { id: number; caseNo: string; trackingCode: string; incidentId: number }> = {} as never;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    const deployed = await t.call('POST', '/api/v1/definitions', { as: 'saihan.designer', body: { region: 'saihan', xml: BROKEN } });
    expect(deployed.status, deployed.text).to.equal(201);
    for (const k of ['a', 'b'] as const) {
      const c = (await submit(t, { region: 'saihan', category: 'facility', title: 'PT0S', description: `第 ${k} 件：路灯不亮`, processKey: 'broken-reminder' })) as { id: number; caseNo: string; trackingCode: string; status?: string };
      expect(c.status).to.equal('incident');
      const list = await t.call('GET', `/api/v1/incidents?caseId=${c.id}`, { as: 'admin' });
      expect(list.body.items, list.text).to.have.length(1);
      expect(list.body.items[0]).to.include({ reason: 'timer_rejected', elementId: 'handle', status: 'open' });
      cases[k] = { ...c, incidentId: list.body.items[0].id };
    }
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('lists the open incidents for the designer, with the reason in words and a count in the top bar', async () => {
    await loginAs(page, 'saihan.designer');
    await page.click('#topbar a[href="/incidents"]');
    const row = page.locator(`tr[data-incident-id="${cases.a.incidentId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).to.contain(cases.a.caseNo).and.contain('handle').and.contain('定时器设置无效').and.contain('受理时启动流程').and.contain('PT0S');
    expect(await page.locator('[data-test=incident-table] tbody tr').count()).to.equal(2);
    await page.waitForFunction(() => document.querySelector('[data-test=incident-badge]')?.textContent === '2');
    expect(await row.locator('[data-action=retry]').count()).to.equal(1);
    expect(await row.locator('[data-action=resolve]').count()).to.equal(1);
    await b.screenshot(page, 'incidents-list');
  });

  it('shows a retry that fails again inline, with the server’s message and one attempt more', async () => {
    const row = () => page.locator(`tr[data-incident-id="${cases.a.incidentId}"]`);
    await row().locator('[data-action=retry]').click();
    const notice = row().locator('[data-test=incident-notice].alert.error');
    await notice.waitFor();
    expect(await notice.textContent()).to.contain('重试仍然失败（定时器设置无效）').and.contain('zero or negative');
    await page.waitForFunction((id) => document.querySelector(`tr[data-incident-id="${id}"] .attempts`)?.textContent === '2', cases.a.incidentId);
    // The incident stays open and can be retried or resolved again.
    expect(await row().locator('[data-action=retry]').isEnabled()).to.equal(true);
    const stored = await t.call('GET', `/api/v1/incidents/${cases.a.incidentId}`, { as: 'admin' });
    expect(stored.body).to.include({ status: 'open', attempts: 2 });
    await b.screenshot(page, 'incidents-retry-failed');
  });

  it('opens the case from the list: the banner names the failing element and why', async () => {
    await page.locator(`tr[data-incident-id="${cases.a.incidentId}"] [data-action=open-case]`).click();
    await page.waitForURL((u) => u.pathname === `/cases/${cases.a.id}`);
    const banner = page.locator('[data-test=incident-banner]');
    await banner.waitFor();
    expect(await banner.locator('[data-test=incident-element]').textContent()).to.contain('handle');
    expect(await banner.locator('[data-test=incident-reason]').textContent()).to.contain('定时器设置无效');
    expect(await banner.textContent()).to.contain('zero or negative');
    expect(await banner.locator('[data-action=retry]').count()).to.equal(1);
    await b.screenshot(page, 'case-incident-designer');
  });

  it('resolves it from the banner with a reason: the case closes and the citizen reads the reason', async () => {
    const banner = page.locator('[data-test=incident-banner]');
    await banner.locator('[data-action=resolve]').click();
    await banner.locator('[data-test=resolve-form] textarea[name=reason]').fill(REASON);
    await banner.locator('[data-action=resolve-ok]').click();
    await page.waitForSelector('[data-test=incident-banner]', { state: 'detached' });
    const detail = await caseDetail(t, cases.a.id);
    expect(detail.status).to.equal('closed');
    expect(detail.closeKind).to.equal('incident');
    expect(detail.timeline.map((e: { type: string }) => e.type)).to.include.members(['case.incident', 'incident.retry_failed', 'case.incident_resolved', 'case.closed']);
    const stored = await t.call('GET', `/api/v1/incidents/${cases.a.incidentId}`, { as: 'admin' });
    expect(stored.body).to.include({ status: 'resolved', resolution: REASON, closedBy: 'saihan.designer' });
    await page.waitForFunction(() => document.querySelector('[data-test=incident-badge]')?.textContent === '1');

    const track = await b.open(`/track/${cases.a.caseNo}?code=${cases.a.trackingCode}`, { phone: true });
    await track.waitForSelector('[data-test=track-steps] li');
    expect(await track.textContent('[data-test=track-status]')).to.equal('已办结');
    expect(await track.textContent('[data-test=track-steps]')).to.contain(REASON);
    expect(await overflowsX(track)).to.equal(false);
    await b.screenshot(track, 'track-incident-resolved-phone');
    await track.close();
  });

  it('gives the dispatcher Resolve but no Retry, on the list and on the case, whose diagram marks the failing element', async () => {
    await loginAs(page, 'saihan.dispatcher');
    await page.goto('/incidents');
    const row = page.locator(`tr[data-incident-id="${cases.b.incidentId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-action=resolve]').count()).to.equal(1);
    expect(await row.locator('[data-action=retry]').count()).to.equal(0);
    // The resolved one is gone from the open list, and shown under "all" with its closing reason.
    expect(await page.locator(`tr[data-incident-id="${cases.a.incidentId}"]`).count()).to.equal(0);
    await page.selectOption('[data-test=incident-filters] select[name=status]', 'all');
    await page.waitForSelector(`tr[data-incident-id="${cases.a.incidentId}"]`);
    expect(await page.textContent(`tr[data-incident-id="${cases.a.incidentId}"]`)).to.contain(REASON).and.contain('已结案');

    await page.goto(`/cases/${cases.b.id}`);
    const banner = page.locator('[data-test=incident-banner]');
    await banner.waitFor();
    expect(await banner.locator('[data-action=resolve]').count()).to.equal(1);
    expect(await banner.locator('[data-action=retry]').count()).to.equal(0);
    await page.waitForSelector('.djs-element.case-incident[data-element-id="handle"]');
    await page.waitForSelector('.bangni-incident-badge[data-element-id="handle"]');
    // With the diagram loaded the banner uses the element's name too.
    expect(await banner.locator('[data-test=incident-element]').textContent()).to.equal('办理 (handle)');
    expect(await page.textContent('[data-test=timeline]')).to.contain('异常').and.contain('定时器设置无效');
    await b.screenshot(page, 'case-incident');
  });

  it('reads well on a phone and in English', async () => {
    const phone = await b.open('/incidents', { phone: true });
    await phone.waitForSelector(`tr[data-incident-id="${cases.b.incidentId}"]`);
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'incidents-list-phone');
    await phone.goto(`/cases/${cases.b.id}`);
    // On a phone the banner comes first and the diagram waits behind 查看流程图.
    await phone.waitForSelector('[data-test=incident-banner]');
    await phone.click('[data-test=diagram-toggle]');
    await phone.waitForSelector('.djs-element.case-incident');
    expect(await overflowsX(phone)).to.equal(false);
    await b.screenshot(phone, 'case-incident-phone');
    await phone.close();

    await page.click('[data-test=lang]');
    await page.waitForSelector('text=Incident: this case’s process has stopped');
    expect(await page.textContent('[data-test=incident-reason]')).to.contain('Timer not allowed');
    expect(await page.textContent('[data-test=timeline]')).to.contain('Incident');
    await page.goto('/incidents?status=all');
    await page.waitForSelector(`tr[data-incident-id="${cases.a.incidentId}"]`);
    expect(await page.textContent('[data-test=incident-table]')).to.contain('Timer not allowed').and.contain('resolved by saihan.designer');
    await b.screenshot(page, 'incidents-list-en');
    await page.click('[data-test=lang]');
  });

  it('shows an auditor the banner without actions; a handler has no incidents link and no case not given to their unit', async () => {
    await loginAs(page, 'saihan.auditor');
    await page.goto(`/cases/${cases.b.id}`);
    const banner = page.locator('[data-test=incident-banner]');
    await banner.waitFor();
    expect(await banner.locator('button').count()).to.equal(0);
    expect(await banner.textContent()).to.contain('请联系流程设计人员或派单员处理');
    // The step failed before any task was opened: no unit was ever given this case.
    await loginAs(page, 'saihan.handler');
    expect(await page.locator('#topbar a[href="/incidents"]').count()).to.equal(0);
    expect((await t.call('GET', `/api/v1/cases/${cases.b.id}`, { as: 'saihan.handler' })).status).to.equal(403);
  });

  it('logged no console errors (besides the refused retry and a designer’s refused case read)', () => {
    expect(b.consoleErrors([/status of 409/, /status of 403/])).to.deep.equal([]);
  });
});
