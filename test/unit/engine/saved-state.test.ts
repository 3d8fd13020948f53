import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { StepRunner, SourceCache } from '../../../server/engine/index.ts';
import { ManualClock, DAY } from '../../../server/clock/index.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/engine-state');

/**
 * Engine state is data that outlives releases: a case saved by an old release
 * must still recover and run to its end. Each release keeps the state it saved
 * as a fixture (never regenerated); this test recovers every one of them.
 */
describe('saved engine states of earlier releases', function () {
  const fixture = JSON.parse(fs.readFileSync(path.join(dir, 'citizen-request-0.1-at-resolve.json'), 'utf8'));
  const xml = fs.readFileSync(path.join(dir, 'citizen-request-0.1.bpmn'), 'utf8');

  const setup = async () => {
    const clock = new ManualClock(fixture.savedAt);
    const sourceContext = await new SourceCache(clock).fromXml(xml);
    return { clock, sourceContext, runner: new StepRunner(clock, () => ({}), { liveEngines: 0 }) };
  };

  it('given the 0.1 state waiting at resolve, when the tasks are completed, then it runs to the end with its variables', async () => {
    const { sourceContext, runner } = await setup();
    let step = await runner.run({ name: 'c', sourceContext, state: fixture.state });
    expect(step.waits.map((w) => w.elementId)).to.deep.equal(['resolve']);
    expect(step.waits[0].executionId).to.equal(fixture.resolveExecutionId);
    expect(step.nextWakeAt?.toISOString()).to.equal(fixture.nextWakeAt);

    step = await runner.run({ name: 'c', sourceContext, state: step.state, signal: { executionId: fixture.resolveExecutionId, variables: { resolution: 'done' } } });
    const reply = step.waits.find((w) => w.elementId === 'reply')!;
    step = await runner.run({ name: 'c', sourceContext, state: step.state, signal: { executionId: reply.executionId, variables: { replyText: 'ok' } } });
    const evaluate = step.waits.find((w) => w.elementId === 'evaluate')!;
    step = await runner.run({ name: 'c', sourceContext, state: step.state, signal: { executionId: evaluate.executionId, variables: { score: 5 } } });
    expect(step.completed).to.equal(true);
    expect(step.endElementId).to.equal('endClosed');
    expect(step.variables).to.include({ department: 'city-management', valid: true, resolution: 'done', score: 5 });
  });

  it('given the 0.1 state, when its armed 督办 timer falls due, then it fires once and opens supervise beside resolve', async () => {
    const { clock, sourceContext, runner } = await setup();
    clock.advance(6 * DAY);
    const step = await runner.run({ name: 'c', sourceContext, state: fixture.state });
    expect(step.timersFired.map((t) => t.elementId)).to.deep.equal(['resolveOverdue']);
    expect(step.waits.map((w) => w.elementId).sort()).to.deep.equal(['resolve', 'supervise']);
  });
});
