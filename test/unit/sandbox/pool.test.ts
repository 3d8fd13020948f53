import { expect } from 'chai';
import { EnginePool } from '../../../server/sandbox/index.ts';
import { StepFailure } from '../../../server/engine/index.ts';
import { conditional, processXml } from '../../support/bpmn-samples.ts';

/** A user task only: the step every case has. */
const ONE_TASK = processXml(`<bpmn:startEvent id="start" /><bpmn:userTask id="work" camunda:candidateGroups="g" /><bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" /><bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />`);
// 2^40 calls, almost no memory: only the wall-clock budget stops it.
const SPIN = conditional('={f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1)}.f(40) > 0');
// A list that grows without end (a non-integer range end is never met): only the heap budget stops it.
const GROW = conditional('=count(for i in 1..10.5 return i) > 0');

describe('sandbox: engine steps in worker threads under budgets', function () {
  this.timeout(60_000);
  let pool: EnginePool;
  let definitionId = 0;
  const step = (xml: string, id = ++definitionId) => pool.run({ name: 't', definitionId: id, loadXml: async () => xml, startVariables: {} }, () => new Date('2026-03-02T01:00:00Z'));

  afterEach(async () => pool?.stop());

  it('given a step that spins past its time budget, when run, then it fails with step_timeout at its element, and the next step runs on a fresh worker', async () => {
    pool = new EnginePool({ workers: 1, stepTimeoutMs: 500 });
    expect((await step(ONE_TASK)).waits).to.have.length(1); // warm: the worker is up and has parsed once
    const started = Date.now();
    const err = await step(SPIN).catch((e) => e);
    expect(err).to.be.instanceOf(StepFailure);
    expect(err.reason).to.equal('step_timeout');
    expect(err.elementId, 'the element it ran when killed').to.be.a('string');
    expect(Date.now() - started, 'killed near its budget (the first parse gets three)').to.be.lessThan(5_000);
    expect(pool.budgetStats.timeouts).to.equal(1);
    expect((await step(ONE_TASK)).waits).to.have.length(1);
  });

  it('given a step that allocates past its heap budget, when run, then it fails with step_memory and this thread lives on', async () => {
    pool = new EnginePool({ workers: 1, stepTimeoutMs: 20_000, heapMb: 48 });
    const err = await step(GROW).catch((e) => e);
    expect(err).to.be.instanceOf(StepFailure);
    expect(err.reason).to.equal('step_memory');
    expect(pool.budgetStats.outOfMemory).to.equal(1);
    expect((await step(ONE_TASK)).waits).to.have.length(1);
  });

  it('given steps queued behind one that is killed, when the worker is replaced, then the queued steps still run', async () => {
    pool = new EnginePool({ workers: 1, stepTimeoutMs: 500 });
    await step(ONE_TASK, 1);
    const bad = step(SPIN).catch((e) => e);
    const good = [step(ONE_TASK, 1), step(ONE_TASK, 1), step(ONE_TASK, 1)];
    expect((await bad).reason).to.equal('step_timeout');
    for (const r of await Promise.all(good)) expect(r.waits).to.have.length(1);
  });

  it('given two workers, when many steps run at once, then both workers take steps and every step completes', async () => {
    pool = new EnginePool({ workers: 2, stepTimeoutMs: 10_000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => step(ONE_TASK, 1)));
    expect(results.every((r) => r.waits.length === 1)).to.equal(true);
    expect(new Set(results.map((r) => r.live?.slot)).size).to.equal(2);
  });
});
