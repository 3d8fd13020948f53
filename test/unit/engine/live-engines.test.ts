import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../../server/app.ts';
import { HOUR, ManualClock } from '../../../server/clock/index.ts';
import { SourceCache, StepRunner } from '../../../server/engine/index.ts';
import { LiveEngineCache } from '../../../server/engine/live-cache.ts';

const ONE_TASK = fs.readFileSync(path.join(REPO_ROOT, 'bench/processes/one-task.bpmn'), 'utf8');
const CITIZEN = fs.readFileSync(path.join(REPO_ROOT, 'processes/default/citizen-request.bpmn'), 'utf8');

describe('engine: live engines cached by case and state_version', () => {
  it('given a kept engine, when taken at another version, then it is a miss and is dropped', () => {
    const cache = new LiveEngineCache<string>(2);
    cache.put(1, 1, 'a');
    expect(cache.take(1, 2)).to.equal(null);
    expect(cache.take(1, 1)).to.equal(null); // dropped by the mismatch
    cache.put(1, 1, 'a');
    expect(cache.take(1, 1)).to.equal('a');
    expect(cache.take(1, 1)).to.equal(null); // taken out, never shared
  });

  it('given more engines than the bound, when kept, then the least recently kept go first', () => {
    const cache = new LiveEngineCache<string>(2);
    cache.put(1, 1, 'a');
    cache.put(2, 1, 'b');
    cache.put(3, 1, 'c');
    expect(cache.size).to.equal(2);
    expect(cache.take(1, 1)).to.equal(null);
    expect(cache.take(3, 1)).to.equal('c');
  });

  it('given a kept engine at the locked version, when a task is signalled, then it runs on the live engine and reports what a recovered engine reports', async () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const sources = new SourceCache(clock);
    const ctx = await sources.fromXml(CITIZEN);
    const runner = new StepRunner(clock);
    const started = await runner.run({ name: '1', sourceContext: ctx, startVariables: { region: 'yuquan', urgency: 'normal', category: 'road' } });
    runner.keep(1, 1, started.live);
    const signal = { executionId: started.waits[0].executionId, variables: { department: 'community' } };

    const cold = await new StepRunner(clock).run({ name: '1', sourceContext: ctx, state: JSON.parse(JSON.stringify(started.state)), signal });
    const warm = await runner.run({ name: '1', sourceContext: ctx, state: started.state, signal, cached: { caseId: 1, stateVersion: 1 } });
    expect(runner.liveStats).to.deep.equal({ hits: 1, misses: 0 });
    expect(warm.waits.map((w) => w.elementId)).to.deep.equal(cold.waits.map((w) => w.elementId));
    expect(warm.left).to.deep.equal(cold.left);
    expect(warm.variables).to.deep.equal(cold.variables);
    expect(warm.completed).to.equal(cold.completed);
  });

  it('given a kept engine whose timer is due, when a task is signalled, then the engine is recovered so the timer fires first', async () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const xml = ONE_TASK.replace('<bpmn:endEvent id="end">', `<bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:outgoing>toLateEnd</bpmn:outgoing>
      <bpmn:timerEventDefinition id="lateDef"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
      <bpmn:endEvent id="lateEnd"><bpmn:incoming>toLateEnd</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="toLateEnd" sourceRef="late" targetRef="lateEnd" />
      <bpmn:endEvent id="end">`).replace('xmlns:camunda=', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda=');
    const ctx = await new SourceCache(clock).fromXml(xml);
    const runner = new StepRunner(clock);
    const started = await runner.run({ name: '1', sourceContext: ctx, startVariables: {} });
    runner.keep(1, 1, started.live);
    clock.advance(HOUR + 1000);
    const signal = { executionId: started.waits[0].executionId, variables: {} };
    const err = await runner.run({ name: '1', sourceContext: ctx, state: started.state, signal, cached: { caseId: 1, stateVersion: 1 } }).catch((e) => e);
    expect(runner.liveStats).to.deep.equal({ hits: 0, misses: 1 });
    expect(err.code).to.equal('task_not_waiting'); // the interrupting timer ended the task first
  });
});
