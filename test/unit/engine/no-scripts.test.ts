import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../server/clock/index.ts';
import { SourceCache, StepRunner, type StepResult } from '../../../server/engine/index.ts';
import { AppError } from '../../../server/errors/index.ts';
import { around, conditional, processXml } from '../../support/bpmn-samples.ts';

/**
 * Validation refuses scripts at deploy time; these tests bypass it and hand
 * hostile models straight to the engine, which must never run their code.
 */
describe('engine: scripts are off even without validation', function () {
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const sources = new SourceCache(clock);
  const runner = new StepRunner(clock);
  let dir: string;
  let marker: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-noscript-'));
    marker = path.join(dir, 'pwned.txt');
    delete (globalThis as Record<string, unknown>).__bangniPwned;
    delete process.env.BANGNI_PWNED;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Code that leaves three traces if it ever runs: a file, a global, an env var. */
  const payload = () =>
    `globalThis.__bangniPwned = true; process.env.BANGNI_PWNED = "1"; require("fs").writeFileSync(${JSON.stringify(marker)}, "x"); next(null, true);`;

  function expectNoTrace(): void {
    expect(fs.existsSync(marker), 'the script wrote a file').to.equal(false);
    expect((globalThis as Record<string, unknown>).__bangniPwned, 'the script set a global').to.equal(undefined);
    expect(process.env.BANGNI_PWNED, 'the script touched process.env').to.equal(undefined);
  }

  async function runStep(xml: string): Promise<StepResult | AppError> {
    const sourceContext = await sources.fromXml(xml);
    try {
      return await runner.run({ name: 'hostile', sourceContext, startVariables: {} });
    } catch (err) {
      return err as AppError;
    }
  }

  it('given a script task that writes a file and touches process, when the engine runs it, then no code runs and the step fails (step_failed: engine_error, at the script task)', async () => {
    const xml = around('run', `<bpmn:scriptTask id="run" scriptFormat="javascript"><bpmn:script>${payload().replace(/"/g, '&quot;')}</bpmn:script></bpmn:scriptTask>`);
    const outcome = await runStep(xml);
    expectNoTrace();
    expect(outcome).to.be.instanceOf(AppError);
    expect((outcome as AppError).code).to.equal('step_failed');
    expect((outcome as AppError).details).to.deep.include({ reason: 'engine_error', elementId: 'run' });
  });

  // Regression: with no script registered, bpmn-elements read the condition's body as a plain
  // expression, and the literal counted as true — the scripted flow was taken without running.
  it('given a language="javascript" condition, when the gateway evaluates it, then no code runs and the step fails (step_failed) instead of taking that flow', async () => {
    const xml = conditional(payload().replace(/"/g, '&quot;'), ' language="javascript"');
    const outcome = await runStep(xml);
    expectNoTrace();
    expect(outcome, 'the scripted flow was taken').to.be.instanceOf(AppError);
    expect((outcome as AppError).code).to.equal('step_failed');
    expect((outcome as AppError).details).to.deep.include({ reason: 'engine_error' });
    expect((outcome as AppError).message).to.match(/scripts are disabled/);
  });

  it('given a process whose gateway loop has no wait state, when run, then the step stops (step_failed: step_loop) instead of hanging', async function () {
    this.timeout(20_000);
    const xml = processXml(`
      <bpmn:startEvent id="start" />
      <bpmn:exclusiveGateway id="join" />
      <bpmn:task id="spin" />
      <bpmn:exclusiveGateway id="again" default="toEnd" />
      <bpmn:endEvent id="end" />
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="join" />
      <bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="spin" />
      <bpmn:sequenceFlow id="f3" sourceRef="spin" targetRef="again" />
      <bpmn:sequenceFlow id="back" sourceRef="again" targetRef="join">
        <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=true</bpmn:conditionExpression>
      </bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="toEnd" sourceRef="again" targetRef="end" />`);
    const started = Date.now();
    const outcome = await runStep(xml);
    expect(outcome, 'the loop completed?').to.be.instanceOf(AppError);
    expect((outcome as AppError).code).to.equal('step_failed');
    expect((outcome as AppError).details).to.have.property('reason').that.is.oneOf(['step_loop', 'engine_error']);
    expect((outcome as AppError).message).to.match(/loop without a wait state|call stack/);
    expect(Date.now() - started).to.be.lessThan(15_000);
  });
});
