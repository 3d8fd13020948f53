import { expect } from 'chai';
import { MINUTE } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, openTask } from '../../support/cases.ts';
import { processXml } from '../../support/bpmn-samples.ts';

/** A user task with a non-interrupting timer cycle read from the case's title at run time. */
const CYCLE_FROM_TITLE = processXml(
  `<bpmn:startEvent id="start" />
  <bpmn:userTask id="handle" name="Handle" camunda:candidateGroups="dispatchers" />
  <bpmn:boundaryEvent id="remind" attachedToRef="handle" cancelActivity="false"><bpmn:timerEventDefinition id="remind_def">
    <bpmn:timeCycle xsi:type="bpmn:tFormalExpression">=title</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:endEvent id="end" /><bpmn:endEvent id="reminded" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
  <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
  <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="reminded" />`,
  'cycle-from-title',
);

/** A task whose completion runs into a condition that grows a list without end (only the heap budget stops it). */
const BOMB_AFTER_TASK = processXml(
  `<bpmn:startEvent id="start" />
  <bpmn:userTask id="handle" name="Handle" camunda:candidateGroups="dispatchers" />
  <bpmn:exclusiveGateway id="check" default="toEnd" />
  <bpmn:endEvent id="end" /><bpmn:endEvent id="other" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
  <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="check" />
  <bpmn:sequenceFlow id="bomb" sourceRef="check" targetRef="other">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=count(for i in 1..(string length(title) + 0.5) return i) &gt; 0</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="toEnd" sourceRef="check" targetRef="end" />`,
  'bomb-after-task',
);

describe('incidents: a failed step is recorded, visible, retryable and resolvable', function () {
  this.timeout(180_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine: { stepTimeoutMs: 3000, heapMb: 64 } });
    for (const xml of [CYCLE_FROM_TITLE, BOMB_AFTER_TASK]) {
      const res = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml } });
      expect(res.status, res.text).to.equal(201);
    }
  });
  after(async () => t?.close());

  const intake = async (processKey: string, title: string) => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey, category: 'road', title, description: '' } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string; status: string; trackingCode: string };
  };

  it('given a cycle computed from the title as R/PT0S, when the case is taken in, then the citizen still gets a case number and tracking code, and staff see an incident at the timer', async () => {
    const c = await intake('cycle-from-title', 'R/PT0S');
    expect(c.status).to.equal('incident');
    expect(c.caseNo).to.match(/^YQ/);
    const track = await t.call('GET', `/api/v1/track/${c.caseNo}?code=${c.trackingCode}`);
    expect(track.status, track.text).to.equal(200);
    expect(track.body.status, 'the citizen sees it being handled').to.equal('open');

    const list = await t.call('GET', `/api/v1/incidents?region=yuquan&caseId=${c.id}`, { as: 'yuquan.designer' });
    expect(list.status, list.text).to.equal(200);
    expect(list.body.items).to.have.length(1);
    expect(list.body.items[0]).to.include({ caseNo: c.caseNo, action: 'intake', reason: 'timer_rejected', status: 'open', attempts: 1 });
    const detail = await caseDetail(t, c.id);
    expect(detail.incident).to.include({ action: 'intake', reason: 'timer_rejected' });
    expect(detail.timeline.map((e: { type: string }) => e.type)).to.deep.equal(['case.created', 'case.incident']);
    expect(detail.nextWakeAt).to.equal(null);

    // Other regions never see it.
    const other = await t.call('GET', `/api/v1/incidents/${list.body.items[0].id}`, { as: 'saihan.designer' });
    expect(other.status).to.equal(404);
  });

  it('given an intake incident, when retried, then it fails again with step_failed and counts the attempt; when resolved, then the case closes with the reason on the tracking page', async () => {
    const c = await intake('cycle-from-title', 'R/PT1S');
    const [inc] = (await t.call('GET', `/api/v1/incidents?caseId=${c.id}`, { as: 'admin' })).body.items;
    const byDispatcher = await t.call('POST', `/api/v1/incidents/${inc.id}/retry`, { as: 'yuquan.dispatcher' });
    expect(byDispatcher.status, 'retry is for designers and admins').to.equal(403);
    const retry = await t.call('POST', `/api/v1/incidents/${inc.id}/retry`, { as: 'yuquan.designer' });
    expect(retry.status, retry.text).to.equal(409);
    expect(retry.body.error.code).to.equal('step_failed');
    expect(retry.body.error.details).to.include({ reason: 'timer_rejected', incidentId: inc.id });
    const again = (await t.call('GET', `/api/v1/incidents/${inc.id}`, { as: 'admin' })).body;
    expect(again).to.include({ status: 'open', attempts: 2 });

    const resolved = await t.call('POST', `/api/v1/incidents/${inc.id}/resolve`, { as: 'yuquan.dispatcher', body: { reason: '系统故障，已电话联系您并现场处理完毕' } });
    expect(resolved.status, resolved.text).to.equal(200);
    expect(resolved.body.caseStatus).to.equal('closed');
    const twice = await t.call('POST', `/api/v1/incidents/${inc.id}/resolve`, { as: 'admin', body: { reason: 'x' } });
    expect(twice.status).to.equal(409);
    const track = await t.call('GET', `/api/v1/track/${c.caseNo}?code=${c.trackingCode}`);
    expect(track.body.status).to.equal('closed');
    expect(track.body.steps.map((s: { detail?: string }) => s.detail)).to.include('系统故障，已电话联系您并现场处理完毕');
  });

  it('given a retry after the cause is gone, then the step runs and the case is open again', async () => {
    const c = await intake('cycle-from-title', 'R/PT0S');
    const [inc] = (await t.call('GET', `/api/v1/incidents?caseId=${c.id}`, { as: 'admin' })).body.items;
    // The fix: the dispatcher corrects the intake data the timer is read from.
    await t.db.knex('cases').where({ id: c.id }).update({ variables: t.db.knex.raw(`jsonb_set(variables, '{title}', '"R3/PT1H"')`) });
    const retry = await t.call('POST', `/api/v1/incidents/${inc.id}/retry`, { as: 'yuquan.designer' });
    expect(retry.status, retry.text).to.equal(200);
    expect(retry.body).to.deep.include({ caseStatus: 'open' });
    expect(retry.body.incident.status).to.equal('retried');
    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('open');
    expect(detail.openTasks.map((x: { elementId: string }) => x.elementId)).to.deep.equal(['handle']);
    expect(detail.timeline.map((e: { type: string }) => e.type)).to.include('incident.retried');
  });

  it('given a task whose completion runs into a heap bomb, when completed, then 409 step_failed with the incident, the task stays open and the case is in incident', async () => {
    const c = await intake('bomb-after-task', '路灯不亮');
    expect(c.status).to.equal('open');
    const task = await openTask(t, c.id, 'handle');
    const res = await t.call('POST', `/api/v1/tasks/${task.id}/complete`, { as: 'yuquan.dispatcher', body: { variables: {} } });
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error.code).to.equal('step_failed');
    expect(res.body.error.details.reason).to.be.oneOf(['step_memory', 'step_timeout']);
    expect(res.body.error.details.incidentId).to.be.a('number');
    const detail = await caseDetail(t, c.id);
    expect(detail.status).to.equal('incident');
    expect(detail.incident.elementId).to.equal('check');
    expect(detail.openTasks.map((x: { id: number }) => x.id), 'the completion rolled back').to.deep.equal([task.id]);
    const health = await t.call('GET', '/healthz');
    expect(health.status).to.equal(200);
  });

  it('given a case allowed 10 timers an hour and a cycle of one minute, when it has fired 10, then the next firing is an incident timer_rate, not one more timer', async () => {
    // 60 an hour by default, which a one-minute cycle never exceeds; a lower cap shows the rule in a few minutes.
    t.app.ctx.runtime.limits.timersPerHour = 10;
    const c = await intake('cycle-from-title', 'R/PT1M');
    expect(c.status).to.equal('open');
    const firedIn = async (from: Date) =>
      Number((await t.db.knex('timer_firings').where({ case_id: c.id }).where('fired_at', '>', from).count<{ n: string }[]>('* as n'))[0].n);
    let minutes = 0;
    while ((await caseDetail(t, c.id)).status === 'open' && minutes < 90) {
      t.clock.advance(MINUTE);
      minutes += 1;
      await t.app.scheduler.runOnce();
    }
    const detail = await caseDetail(t, c.id);
    expect(detail.status, `still open after ${minutes} minutes`).to.equal('incident');
    expect(detail.incident).to.include({ action: 'fire timers', reason: 'timer_rate' });
    expect(minutes).to.equal(11);
    expect(await firedIn(new Date(t.clock.now().getTime() - 60 * MINUTE)), 'firings in the hour before the incident').to.equal(10);
    const total = await firedIn(new Date(0));
    t.clock.advance(10 * MINUTE);
    await t.app.scheduler.runOnce();
    expect(await firedIn(new Date(0)), 'never woken again').to.equal(total);
    t.app.ctx.runtime.limits.timersPerHour = 60;
  });
});
