import { expect } from 'chai';
import type { Knex } from 'knex';
import { verifyChain } from '../../server/audit/index.ts';
import { processXml } from './bpmn-samples.ts';

/**
 * work (interrupting boundary timer `late`, its duration taken from the case's
 * description: seconds for urgent cases, a day for the others) → next → end.
 * The timers run on the child server's real clock: the tests that use it
 * stop a node mid-burst (SIGKILL, SIGTERM), they do not test an SLA.
 */
export const BURST_PROCESS = processXml(
  `<bpmn:startEvent id="start" />
  <bpmn:userTask id="work" name="Work" camunda:candidateGroups="dispatchers" />
  <bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:timerEventDefinition id="late_def">
    <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=description</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:userTask id="next" name="Next" camunda:candidateGroups="dispatchers" />
  <bpmn:endEvent id="end" />
  <bpmn:endEvent id="lateEnd" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="next" />
  <bpmn:sequenceFlow id="f3" sourceRef="next" targetRef="end" />
  <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="lateEnd" />`,
  'burst-test',
);

/**
 * Each case of BURST_PROCESS is in exactly one whole state after a burst of
 * completions and timer firings that a stopped node interrupted: nothing half
 * written (the chain verifies, the head counts every event), no task row twice,
 * no timer fired twice, and the urgent cases' due timers all fired (once) unless
 * the work was completed first. The checks the crash test makes, for any test
 * that stops a node mid-burst.
 */
export async function expectWholeCases(knex: Knex, caseIds: number[], urgent: Set<number>): Promise<void> {
  const tasks = await knex('tasks').whereIn('case_id', caseIds).select('id', 'case_id', 'execution_id', 'element_id', 'status');
  const cases = await knex('cases').whereIn('id', caseIds).select('id', 'status', 'end_element_id', 'event_seq', 'next_wake_at');
  const firings = await knex('timer_firings').whereIn('case_id', caseIds).select('case_id', 'execution_id', 'expire_at', 'node');
  const events = await knex('case_events').whereIn('case_id', caseIds).select('case_id', 'type', 'data');
  const of = <T extends { case_id: number }>(rows: T[], id: number) => rows.filter((r) => Number(r.case_id) === id);
  expect(cases.length, 'cases missing').to.equal(new Set(caseIds).size);

  const keys = tasks.map((t) => `${t.case_id}/${t.execution_id}`);
  expect(new Set(keys).size, 'duplicated task rows').to.equal(keys.length);

  for (const c of cases) {
    const label = `case ${c.id}`;
    const mine = of(tasks, c.id);
    const fired = of(firings, c.id);
    const evs = of(events, c.id);
    const work = mine.filter((t) => t.element_id === 'work');
    expect(work, label).to.have.length(1);

    const chain = await verifyChain(knex, c.id);
    expect(chain.intact, `${label}: ${JSON.stringify(chain)}`).to.equal(true);
    expect(c.event_seq, label).to.equal(evs.length);

    expect(fired.length, `${label} firings`).to.be.at.most(1);
    expect(evs.filter((e) => e.type === 'timer.fired'), label).to.have.length(fired.length);
    expect(evs.filter((e) => e.type === 'task.completed'), label).to.have.length(work[0].status === 'completed' ? 1 : 0);

    if (work[0].status === 'completed') {
      expect(fired, `${label}: completed and also timed out`).to.have.length(0);
      expect(mine.filter((t) => t.element_id === 'next' && t.status === 'open'), label).to.have.length(1);
      expect(c.status, label).to.equal('open');
    } else if (work[0].status === 'cancelled') {
      expect(urgent.has(c.id), `${label}: a day-long timer fired`).to.equal(true);
      expect(fired, label).to.have.length(1);
      expect(c, label).to.include({ status: 'closed', end_element_id: 'lateEnd' });
      expect(mine.filter((t) => t.element_id === 'next'), label).to.have.length(0);
    } else {
      expect(work[0].status, label).to.equal('open');
      expect(urgent.has(c.id), `${label}: its due timer never fired`).to.equal(false);
      expect(fired, label).to.have.length(0);
      expect(c.next_wake_at, label).to.not.equal(null);
    }
  }
}
