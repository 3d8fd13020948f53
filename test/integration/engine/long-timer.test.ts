import { expect } from 'chai';
import { DAY } from '../../../server/clock/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { openElements } from '../../support/cases.ts';
import { around, timerThenTask } from '../../support/bpmn-samples.ts';

/**
 * bpmn-engine arms timers with setTimeout, which cannot wait longer than
 * 2^31-1 ms (~24.8 days). Bangni's timers are rows, so length does not matter.
 */
describe('engine: a 30-day timer fires after 30 days', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ processesDir: null });
  });
  after(async () => t?.close());

  async function deployAndStart(xml: string, key: string): Promise<number> {
    const deployed = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml } });
    expect(deployed.status, deployed.text).to.equal(201);
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'yuquan', processKey: key, category: 'other', title: '长期定时' } });
    expect(res.status, res.text).to.equal(201);
    return res.body.id;
  }

  const firings = (caseId: number) => t.db.knex('timer_firings').where({ case_id: caseId });

  it('given a case waiting on a P30D intermediate timer, when 29 days pass it has not fired; at 31 days it has, once', async () => {
    const xml = timerThenTask('P30D', 'wait-30-days', 'wait30', 'followUp');
    const caseId = await deployAndStart(xml, 'wait-30-days');
    const started = t.clock.now().getTime();
    const row = await t.db.knex('cases').where({ id: caseId }).first('next_wake_at');
    expect(new Date(row.next_wake_at).getTime()).to.equal(started + 30 * DAY);

    t.clock.advance(29 * DAY);
    expect(await t.app.scheduler.runOnce()).to.equal(0);
    expect(await openElements(t, caseId)).to.deep.equal([]);
    expect(await firings(caseId)).to.have.length(0);

    t.clock.advance(2 * DAY);
    expect(await t.app.scheduler.runOnce()).to.equal(1);
    expect(await openElements(t, caseId)).to.deep.equal(['followUp']);
    const fired = await firings(caseId);
    expect(fired).to.have.length(1);
    expect(fired[0].element_id).to.equal('wait30');
    expect(new Date(fired[0].expire_at).getTime()).to.equal(started + 30 * DAY);
    expect(await t.app.scheduler.runOnce()).to.equal(0);
  });

  it('given a user task with an interrupting P30D boundary timer, when 31 days pass, then the task is cancelled and the case ends on the timer path', async () => {
    const xml = around(
      'answer',
      `<bpmn:userTask id="answer" name="答复" camunda:candidateGroups="dispatchers" />
       <bpmn:boundaryEvent id="expire" attachedToRef="answer"><bpmn:timerEventDefinition id="expire_def">
         <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P30D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
       <bpmn:endEvent id="expired" />
       <bpmn:sequenceFlow id="toExpired" sourceRef="expire" targetRef="expired" />`,
      'answer-in-30-days',
    );
    const caseId = await deployAndStart(xml, 'answer-in-30-days');
    t.clock.advance(29 * DAY);
    await t.app.scheduler.runOnce();
    expect(await openElements(t, caseId)).to.deep.equal(['answer']);

    t.clock.advance(2 * DAY);
    expect(await t.app.scheduler.runOnce()).to.equal(1);
    const c = await t.db.knex('cases').where({ id: caseId }).first('status', 'end_element_id');
    expect(c).to.deep.equal({ status: 'closed', end_element_id: 'expired' });
    expect((await t.db.knex('tasks').where({ case_id: caseId }).first('status')).status).to.equal('cancelled');
    expect(await firings(caseId)).to.have.length(1);
  });
});
