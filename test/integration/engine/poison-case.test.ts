import { expect } from 'chai';
import { childClient, childServerData } from '../../support/child-server.ts';
import { processXml } from '../../support/bpmn-samples.ts';

/**
 * wait (interrupting boundary timer of 2 s) → check, whose condition counts a
 * range with a non-integer end: feelin steps by 1 and never meets it, so the
 * list grows until the heap is gone — a whole Node process dies of it. Deploy
 * cannot prove that (the bound is computed), so only the runtime can contain it.
 */
const POISON = processXml(
  `<bpmn:startEvent id="start" />
  <bpmn:userTask id="wait" name="Wait" camunda:candidateGroups="dispatchers" />
  <bpmn:boundaryEvent id="late" attachedToRef="wait"><bpmn:timerEventDefinition id="late_def">
    <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT2S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:exclusiveGateway id="check" default="toEnd" />
  <bpmn:endEvent id="end" />
  <bpmn:endEvent id="poisoned" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="check" />
  <bpmn:sequenceFlow id="bomb" sourceRef="check" targetRef="poisoned">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=count(for i in 1..(string length(title) + 0.5) return i) &gt; 0</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="toEnd" sourceRef="check" targetRef="end" />`,
  'poison-timer',
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a poison case never keeps a node down', function () {
  this.timeout(240_000);
  // Small budgets so the test is quick; the timer minimum lowered so a 2 s timer is allowed.
  const data = childServerData('poison', { BANGNI_TIMER_MIN_MS: '1000', BANGNI_STEP_TIMEOUT_MS: '3000', BANGNI_STEP_HEAP_MB: '96' });
  after(() => data.drop());

  it('given a case whose timer step exhausts the heap, when the node is SIGKILLed while it is due and restarted, then the node listens and serves, and the case shows an incident', async () => {
    // Given: a server, the poison process, a case and a healthy one beside it.
    const first = await data.start('first');
    const api = await childClient(first);
    const deployed = await api('POST', '/api/v1/definitions', { region: 'yuquan', xml: POISON });
    expect(deployed.status, JSON.stringify(deployed.body)).to.equal(201);
    const poisoned = await api('POST', '/api/v1/cases', { region: 'yuquan', processKey: 'poison-timer', category: 'other', title: '路灯不亮', description: '' });
    expect(poisoned.status, JSON.stringify(poisoned.body)).to.equal(201);
    const healthy = await api('POST', '/api/v1/cases', { region: 'yuquan', category: 'road', title: '井盖缺失', description: '人行道' });
    expect(healthy.status).to.equal(201);

    // When: the timer comes due and its step starts eating memory; the node is killed in the middle of it.
    await sleep(2500);
    await first.kill('SIGKILL');

    // Then: a restart on the same data listens at once (no case step runs before it does) …
    const second = await data.start('second');
    const api2 = await childClient(second);
    // … keeps serving while the poison step runs out of its budget in a worker …
    const deadline = Date.now() + 60_000;
    let incident: Record<string, unknown> | null = null;
    while (!incident) {
      const health = await fetch(`${second.url}/healthz`);
      expect(health.status, 'healthz while the poison case runs').to.equal(200);
      const c = await api2('GET', `/api/v1/cases/${poisoned.body.id}`);
      expect(c.status).to.equal(200);
      if (c.body.status === 'incident') incident = c.body.incident;
      else if (Date.now() > deadline) expect.fail(`no incident after the restart: ${JSON.stringify(c.body).slice(0, 1500)}\n${second.output()}`);
      else await sleep(250);
    }
    // … and the case shows the incident: where, why, and it is not woken again.
    expect(incident).to.include({ action: 'fire timers', elementId: 'check' });
    expect(incident!.reason).to.be.oneOf(['step_memory', 'step_timeout']);
    const listed = await api2('GET', `/api/v1/incidents?region=yuquan&caseId=${poisoned.body.id}`);
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.items[0]).to.include({ status: 'open', elementId: 'check', caseNo: poisoned.body.caseNo });
    const row = await api2('GET', `/api/v1/cases/${poisoned.body.id}`);
    expect(row.body.nextWakeAt).to.equal(null);
    expect(row.body.timeline.map((e: { type: string }) => e.type)).to.include('case.incident');

    // The healthy case still works on the same node.
    const tasks = await api2('GET', `/api/v1/tasks?region=yuquan&caseId=${healthy.body.id}`);
    expect(tasks.status).to.equal(200);
    expect(tasks.body.items.length).to.be.greaterThan(0);
    expect((await fetch(`${second.url}/healthz`)).status).to.equal(200);
    await second.stop();
  });
});
