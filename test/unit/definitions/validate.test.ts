import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateBpmn, MAX_BPMN_BYTES, type Problem, type ValidationResult } from '../../../server/definitions/validate.ts';
import { NS, around as sampleAround, conditional, definitions, processXml as sampleProcess, timerCatch } from '../../support/bpmn-samples.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The process here is "request" / "Citizen request"; the builders are the shared test ones.
const processXml = (body: string) => sampleProcess(body, 'request', 'Citizen request');
const around = (middleId: string, middle: string) => sampleAround(middleId, middle, 'request', 'Citizen request');

const userTask = (id = 'handle', attributes = 'camunda:candidateGroups="clerks"', inner = '') =>
  `<bpmn:userTask id="${id}" name="Handle" ${attributes}>${inner}</bpmn:userTask>`;

function problemsOf(result: ValidationResult): Problem[] {
  expect(result.ok, 'expected the model to be refused').to.equal(false);
  return result.problems;
}

function expectProblem(result: ValidationResult, rule: string, elementId: string | null): Problem {
  const problems = problemsOf(result);
  const found = problems.find((p) => p.rule === rule && p.elementId === elementId);
  expect(found, `expected ${rule} on ${elementId}; got ${JSON.stringify(problems)}`).to.not.equal(undefined);
  return found!;
}

function expectOk(result: ValidationResult): void {
  expect(result.problems, JSON.stringify(result.problems)).to.deep.equal([]);
  expect(result.ok).to.equal(true);
}

describe('definitions/validate', () => {
  describe('given a minimal valid process', () => {
    it('when validated, then it is ok with the process key and name', async () => {
      const result = await validateBpmn(around('handle', userTask()));
      expectOk(result);
      if (!result.ok) return;
      expect(result.parsed.key).to.equal('request');
      expect(result.parsed.name).to.equal('Citizen request');
      expect(result.parsed.moddleContext.elementsById).to.have.property('handle');
    });

    it('when it has no isExecutable attribute and is the only process, then it is accepted', async () => {
      const xml = around('handle', userTask()).replace(' isExecutable="true"', '');
      expectOk(await validateBpmn(xml));
    });

    it('when it has FEEL assignment, due date with workdays() and a timer, then it is ok', async () => {
      const task = userTask('handle', 'camunda:candidateGroups="=department" camunda:dueDate="=workdays(3)" camunda:priority="=if urgent then 80 else 50"');
      expectOk(await validateBpmn(around('handle', task)));
      expectOk(await validateBpmn(timerCatch('timeDuration', '=workhours(4)')));
      expectOk(await validateBpmn(timerCatch('timeDuration', 'PT4H')));
      expectOk(await validateBpmn(timerCatch('timeDate', '2001-01-01T00:00:00Z')));
    });
  });

  describe('given hostile raw XML', () => {
    it('when it has a DOCTYPE (billion laughs), then xml-doctype is the only problem: nothing is parsed', async () => {
      const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)];
      const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${lol.join('\n')}\n]>\n` +
        around('handle', userTask('handle', 'name="&lol9;" camunda:candidateGroups="clerks"')).replace(/^<\?xml[^>]*>\n/, '');
      const problems = problemsOf(await validateBpmn(xml));
      expect(problems.map((p) => p.rule)).to.include('xml-doctype');
      expect(problems.every((p) => p.rule === 'xml-doctype')).to.equal(true);
      expect(problems[0]!.line).to.equal(2);
    });

    it('when it declares an entity in lower case without a DOCTYPE, then xml-doctype', async () => {
      expectProblem(await validateBpmn(`<!entity x "y">${around('handle', userTask())}`), 'xml-doctype', null);
    });

    it('when it is over 5 MB, then xml-too-large is the only problem', async () => {
      const padding = `<!-- ${'x'.repeat(6 * 1024 * 1024)} -->`;
      const xml = around('handle', userTask()).replace('</bpmn:definitions>', `${padding}</bpmn:definitions>`);
      expect(Buffer.byteLength(xml)).to.be.greaterThan(MAX_BPMN_BYTES);
      const problems = problemsOf(await validateBpmn(xml));
      expect(problems.map((p) => p.rule)).to.deep.equal(['xml-too-large']);
    });

    it('when tags are not closed, then xml-not-well-formed with a line', async () => {
      const problem = expectProblem(await validateBpmn(`<bpmn:definitions ${NS}>\n<bpmn:process id="p">\n</bpmn:definitions>`), 'xml-not-well-formed', null);
      expect(problem.line).to.equal(3);
    });

    it('when the input is empty or not text, then xml-not-well-formed', async () => {
      expectProblem(await validateBpmn(''), 'xml-not-well-formed', null);
      expectProblem(await validateBpmn(null as unknown as string), 'xml-not-well-formed', null);
    });

    it('when the root is not bpmn:definitions, then not-bpmn', async () => {
      expectProblem(await validateBpmn('<foo/>'), 'not-bpmn', null);
      expectProblem(await validateBpmn('<x:definitions xmlns:x="http://example.com/not-bpmn" id="d"/>'), 'not-bpmn', null);
    });
  });

  describe('given moddle warnings', () => {
    it('when a flow targets a missing element, then moddle-warning on the flow', async () => {
      const xml = around('handle', userTask()).replace('targetRef="end"', 'targetRef="nowhere"');
      const problem = expectProblem(await validateBpmn(xml), 'moddle-warning', 'toEnd');
      expect(problem.message).to.contain('nowhere');
    });

    it('when an id is used twice, then moddle-warning names the id', async () => {
      const xml = around('handle', userTask() + userTask('handle'));
      expectProblem(await validateBpmn(xml), 'moddle-warning', 'handle');
    });
  });

  describe('given the wrong number of executable processes', () => {
    it('when two processes are executable, then process-count', async () => {
      const two = definitions(`<bpmn:process id="a" isExecutable="true" /><bpmn:process id="b" isExecutable="true" />`);
      expectProblem(await validateBpmn(two), 'process-count', 'b');
    });

    it('when no process is executable, then process-count', async () => {
      const xml = around('handle', userTask()).replace('isExecutable="true"', 'isExecutable="false"');
      expectProblem(await validateBpmn(xml), 'process-count', null);
    });
  });

  describe('given bpmnlint findings', () => {
    it('when there is no start event, then lint/start-event-required on the process', async () => {
      const xml = processXml(`${userTask()}<bpmn:endEvent id="end" /><bpmn:sequenceFlow id="f" sourceRef="handle" targetRef="end" />`);
      expectProblem(await validateBpmn(xml), 'lint/start-event-required', 'request');
    });

    it('when a task is disconnected, then lint/no-disconnected on it', async () => {
      const xml = around('handle', userTask() + userTask('orphan'));
      expectProblem(await validateBpmn(xml), 'lint/no-disconnected', 'orphan');
    });

    it('when references are broken, then linting still returns and the moddle warnings are reported', async () => {
      const ghost = '<bpmn:eventBasedGateway id="race" /><bpmn:sequenceFlow id="g1" sourceRef="race" targetRef="nowhere" />';
      const result = await validateBpmn(around('race', ghost));
      expectProblem(result, 'moddle-warning', 'g1');
    });
  });

  describe('given code in the model', () => {
    it('when there is a script task, then script-not-allowed on it', async () => {
      const xml = around('run', '<bpmn:scriptTask id="run" scriptFormat="javascript"><bpmn:script>next()</bpmn:script></bpmn:scriptTask>');
      const problems = problemsOf(await validateBpmn(xml));
      expectProblem({ ok: false, problems }, 'script-not-allowed', 'run');
      expect(problems.filter((p) => p.elementId === 'run').map((p) => p.rule)).to.deep.equal(['script-not-allowed']);
    });

    it('when a camunda:script hides in an input mapping, then script-not-allowed on its task', async () => {
      const io = `<bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="x">
        <camunda:script scriptFormat="javascript">process.exit()</camunda:script></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>`;
      expectProblem(await validateBpmn(around('handle', userTask('handle', 'camunda:candidateGroups="clerks"', io))), 'script-not-allowed', 'handle');
    });

    it('when there are execution and task listeners, then script-not-allowed for each', async () => {
      const listeners = `<bpmn:extensionElements><camunda:executionListener event="start" class="x" />
        <camunda:taskListener event="create" expression="\${x}" /></bpmn:extensionElements>`;
      const problems = problemsOf(await validateBpmn(around('handle', userTask('handle', 'camunda:candidateGroups="clerks"', listeners))));
      expect(problems.filter((p) => p.rule === 'script-not-allowed' && p.elementId === 'handle')).to.have.length(2);
    });
  });

  describe('given conditions', () => {
    it('when a condition has a language, then condition-language on the flow', async () => {
      expectProblem(await validateBpmn(conditional('=a &gt; 1', ' language="javascript"')), 'condition-language', 'toTask');
    });

    it('when a condition is a literal or an operator in ${}, then condition-not-feel', async () => {
      expectProblem(await validateBpmn(conditional('false')), 'condition-not-feel', 'toTask');
      expectProblem(await validateBpmn(conditional('${amount &gt; 5}')), 'condition-not-feel', 'toTask');
      expectProblem(await validateBpmn(conditional('${environment.variables.constructor}')), 'condition-not-feel', 'toTask');
    });

    it('when FEEL is padded with whitespace the engine would not strip, then condition-not-feel', async () => {
      expectProblem(await validateBpmn(conditional(' =urgent ')), 'condition-not-feel', 'toTask');
    });

    it('when a condition is FEEL or a plain lookup, then it is accepted', async () => {
      expectOk(await validateBpmn(conditional('=category = "road" and urgency &gt; 2')));
      expectOk(await validateBpmn(conditional('${environment.variables.verified}')));
    });
  });

  describe('given FEEL expressions', () => {
    it('when a condition does not parse, then feel-syntax on the flow', async () => {
      expectProblem(await validateBpmn(conditional('=amount &gt;')), 'feel-syntax', 'toTask');
    });

    it('when a task attribute does not parse, then feel-syntax on the task', async () => {
      const task = userTask('handle', 'camunda:candidateGroups="=if urgent then" camunda:dueDate="=workdays(3"');
      const problems = problemsOf(await validateBpmn(around('handle', task)));
      expect(problems.filter((p) => p.rule === 'feel-syntax' && p.elementId === 'handle')).to.have.length(2);
    });

    it('when a timer expression does not parse, then feel-syntax on the event', async () => {
      expectProblem(await validateBpmn(timerCatch('timeDuration', '=(((')), 'feel-syntax', 'wait');
    });

    it('when a ${} attribute calls a function, then expression-not-lookup', async () => {
      const task = userTask('handle', 'camunda:candidateGroups="clerks" camunda:assignee="${environment.services.pick()}"');
      expectProblem(await validateBpmn(around('handle', task)), 'expression-not-lookup', 'handle');
    });
  });

  describe('given timers', () => {
    it('when the value is not ISO 8601, then timer-invalid on the event', async () => {
      expectProblem(await validateBpmn(timerCatch('timeDuration', 'PT1X')), 'timer-invalid', 'wait');
      expectProblem(await validateBpmn(timerCatch('timeCycle', '0 0 * * *')), 'timer-invalid', 'wait');
      expectProblem(await validateBpmn(timerCatch('timeDate', '2023-02-29')), 'timer-invalid', 'wait');
      expectProblem(await validateBpmn(timerCatch('timeDuration', '\n  PT1H\n')), 'timer-invalid', 'wait');
    });

    it('when a timer has no value, then timer-invalid', async () => {
      const xml = around('wait', '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>');
      expectProblem(await validateBpmn(xml), 'timer-invalid', 'wait');
    });

    it('when a duration or cycle is zero, negative or over ten years, then timer-absurd', async () => {
      for (const [kind, value] of [['timeDuration', 'PT0S'], ['timeCycle', 'R/PT0S'], ['timeDuration', 'P11Y'], ['timeCycle', 'R3/P20Y'], ['timeDuration', '-PT1H']]) {
        expectProblem(await validateBpmn(timerCatch(kind!, value!)), 'timer-absurd', 'wait');
      }
    });
  });

  describe('given user tasks', () => {
    it('when a user task has no candidates and no assignee, then user-task-unassigned', async () => {
      expectProblem(await validateBpmn(around('handle', userTask('handle', ''))), 'user-task-unassigned', 'handle');
    });

    it('when it has only candidate users or an assignee, then it is assigned', async () => {
      expectOk(await validateBpmn(around('handle', userTask('handle', 'camunda:candidateUsers="ann"'))));
      expectOk(await validateBpmn(around('handle', userTask('handle', 'camunda:assignee="=owner"'))));
    });
  });

  describe('given elements outside the supported subset', () => {
    it('when there is a service, send, business rule task or call activity, then unsupported-element', async () => {
      for (const element of ['serviceTask', 'sendTask', 'businessRuleTask', 'callActivity', 'receiveTask']) {
        expectProblem(await validateBpmn(around('x', `<bpmn:${element} id="x" name="X" />`)), 'unsupported-element', 'x');
      }
    });

    it('when an inclusive gateway joins, then unsupported-element; when it only splits, it is accepted', async () => {
      const body = (joinIncoming: string) => processXml(`
        <bpmn:startEvent id="start" />
        <bpmn:inclusiveGateway id="fork" />
        ${userTask('a')}${userTask('b')}
        <bpmn:${joinIncoming} id="join" />
        <bpmn:endEvent id="end" />
        <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />
        <bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=x</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="b"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=y</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="ja" sourceRef="a" targetRef="join" />
        <bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join" />
        <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="end" />`);
      expectProblem(await validateBpmn(body('inclusiveGateway')), 'unsupported-element', 'join');
      expectOk(await validateBpmn(body('parallelGateway')));
    });

    it('when an event is a message, signal, conditional or timer-start event, then unsupported-element', async () => {
      const message = around('wait', '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>');
      expectProblem(await validateBpmn(message), 'unsupported-element', 'wait');
      const signalBoundary = around('handle', userTask() + '<bpmn:boundaryEvent id="sig" attachedToRef="handle"><bpmn:signalEventDefinition /></bpmn:boundaryEvent>');
      expectProblem(await validateBpmn(signalBoundary), 'unsupported-element', 'sig');
      const timerStart = around('handle', userTask()).replace('<bpmn:startEvent id="start" />',
        '<bpmn:startEvent id="start"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>');
      expectProblem(await validateBpmn(timerStart), 'unsupported-element', 'start');
      const conditionalCatch = around('wait', `<bpmn:intermediateCatchEvent id="wait"><bpmn:conditionalEventDefinition>
        <bpmn:condition xsi:type="bpmn:tFormalExpression">=ready</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>`);
      expectProblem(await validateBpmn(conditionalCatch), 'unsupported-element', 'wait');
    });

    it('when there is an event sub-process, then unsupported-element on it', async () => {
      const sub = `<bpmn:subProcess id="onError" triggeredByEvent="true">
        <bpmn:startEvent id="errStart"><bpmn:errorEventDefinition /></bpmn:startEvent><bpmn:endEvent id="errEnd" />
        <bpmn:sequenceFlow id="ef" sourceRef="errStart" targetRef="errEnd" /></bpmn:subProcess>`;
      expectProblem(await validateBpmn(around('handle', userTask() + sub)), 'unsupported-element', 'onError');
    });

    it('when an embedded sub-process and a timer boundary are used, then they are accepted', async () => {
      const sub = `<bpmn:subProcess id="sub"><bpmn:startEvent id="s1" />${userTask('inner')}<bpmn:endEvent id="e1" />
        <bpmn:sequenceFlow id="s1f" sourceRef="s1" targetRef="inner" /><bpmn:sequenceFlow id="s2f" sourceRef="inner" targetRef="e1" /></bpmn:subProcess>
        <bpmn:boundaryEvent id="sla" attachedToRef="sub" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>=workdays(2)</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        ${userTask('escalate')}<bpmn:endEvent id="e2" />
        <bpmn:sequenceFlow id="b1" sourceRef="sla" targetRef="escalate" /><bpmn:sequenceFlow id="b2" sourceRef="escalate" targetRef="e2" />`;
      expectOk(await validateBpmn(around('sub', sub)));
    });
  });

  describe('given loops', () => {
    const loop = (task: string) => processXml(`
      <bpmn:startEvent id="start" />
      <bpmn:exclusiveGateway id="merge" />
      ${task}
      <bpmn:exclusiveGateway id="check" default="again" />
      <bpmn:endEvent id="end" />
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="merge" />
      <bpmn:sequenceFlow id="f2" sourceRef="merge" targetRef="work" />
      <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="check" />
      <bpmn:sequenceFlow id="done" sourceRef="check" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=ok</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="again" sourceRef="check" targetRef="merge" />`);

    it('when a gateway loop has only a manual task, then loop-without-wait', async () => {
      expectProblem(await validateBpmn(loop('<bpmn:manualTask id="work" name="Work" />')), 'loop-without-wait', 'merge');
    });

    it('when the loop contains a user task, then it is accepted', async () => {
      expectOk(await validateBpmn(loop(userTask('work'))));
    });
  });

  describe('given expressions beyond task attributes', () => {
    const withRoots = (roots: string) => definitions(`${roots}\n<bpmn:process id="request" isExecutable="true">
      <bpmn:startEvent id="start" />${userTask()}<bpmn:endEvent id="end" />
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" /><bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" /></bpmn:process>`);

    it('when a bpmn:Error errorCode is a ${} call (the child_process exploit), then expression-not-lookup on the error', async () => {
      const exploit = '${process.mainModule.require(&quot;child_process&quot;).execSync(&quot;id&quot;)}';
      const found = expectProblem(await validateBpmn(withRoots(`<bpmn:error id="boom" name="Boom" errorCode="${exploit}" />`)), 'expression-not-lookup', 'boom');
      expect(found.message).to.contain('errorCode');
      expect(found.line).to.equal(3);
    });

    it('when a message, signal or escalation name is a ${} call or breaks a FEEL limit, then the rule names that element', async () => {
      const roots = `<bpmn:message id="msg" name="\${a.b()}" /><bpmn:signal id="sig" name="\${x + 1}" />
        <bpmn:escalation id="esc" name="Escalate" escalationCode="={f: function(n) f(n)}.f(1)" /><bpmn:error id="err" errorCode="=count(for i in 1..100000 return i)" />`;
      const result = await validateBpmn(withRoots(roots));
      expectProblem(result, 'expression-not-lookup', 'msg');
      expectProblem(result, 'expression-not-lookup', 'sig');
      expectProblem(result, 'feel-recursion', 'esc');
      expectProblem(result, 'feel-loop-too-large', 'err');
      expectOk(await validateBpmn(withRoots('<bpmn:error id="ok" name="Not found" errorCode="E404" /><bpmn:message id="m" name="${environment.variables.topic}" />')));
    });

    it('when a condition is a FEEL bomb, then feel-loop-too-large on the flow', async () => {
      const found = expectProblem(await validateBpmn(conditional('=count(for i in 1..10000, j in 1..10000 return i) &gt; 0')), 'feel-loop-too-large', 'toTask');
      expect(found.message).to.contain('100,000,000');
    });

    it('when a task attribute or timer recurses, then feel-recursion on its element', async () => {
      expectProblem(await validateBpmn(around('handle', userTask('handle', 'camunda:candidateGroups="={f: function(n) f(n)}.f(1)"'))), 'feel-recursion', 'handle');
      expectProblem(await validateBpmn(timerCatch('timeDuration', '={f: function(n) f(n)}.f(1)')), 'feel-recursion', 'wait');
    });

    it('when call activity, service, multi-instance slots hold ${} calls or literal conditions, then each is refused on its task', async () => {
      const mi = `<bpmn:multiInstanceLoopCharacteristics id="mi" camunda:collection="\${items.filter()}">
        <bpmn:completionCondition xsi:type="bpmn:tFormalExpression">false</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>`;
      const result = await validateBpmn(processXml(`<bpmn:startEvent id="start" />
        <bpmn:callActivity id="call" calledElement="\${load()}" />
        <bpmn:serviceTask id="svc" camunda:expression="\${environment.services.run()}" />
        ${userTask('each', 'camunda:candidateGroups="clerks"', mi)}<bpmn:endEvent id="end" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" /><bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="svc" />
        <bpmn:sequenceFlow id="f3" sourceRef="svc" targetRef="each" /><bpmn:sequenceFlow id="f4" sourceRef="each" targetRef="end" />`));
      expectProblem(result, 'expression-not-lookup', 'call');
      expectProblem(result, 'expression-not-lookup', 'svc');
      expectProblem(result, 'expression-not-lookup', 'each');
      expectProblem(result, 'condition-not-feel', 'each');
    });
  });

  describe('given model size and fan-out', () => {
    it('when a generated model has 100,000 elements, then model-too-large and nothing is parsed', async () => {
      const tasks = Array.from({ length: 100_000 }, (_, i) => `<bpmn:task id="t${i}"/>`).join('');
      const problems = problemsOf(await validateBpmn(processXml(tasks)));
      expect(problems.map((p) => p.rule)).to.include('model-too-large');
      expect(problems.every((p) => p.rule === 'model-too-large'), JSON.stringify(problems)).to.equal(true);
    });

    it('when one expression is too long or all of them together are, then feel-too-long or model-too-large', async () => {
      expectProblem(await validateBpmn(conditional(`=x = "${'a'.repeat(2000)}"`)), 'feel-too-long', 'toTask');
      const long = `=category = &quot;${'a'.repeat(1900)}&quot;`;
      const tasks = Array.from({ length: 6 }, (_, i) => userTask(`u${i}`, `camunda:candidateGroups="${long}"`)).join('');
      const problems = problemsOf(await validateBpmn(processXml(tasks)));
      expect(problems.map((p) => p.rule)).to.deep.equal(['model-too-large']);
    });

    it('when a model has more than 2,000 user tasks, then model-too-large', async () => {
      const tasks = Array.from({ length: 2001 }, (_, i) => userTask(`u${i}`)).join('');
      expectProblem(await validateBpmn(processXml(tasks)), 'model-too-large', null);
    });

    it('when a gateway splits into more than 100 flows or a loop marker has cardinality 1000, then fan-out-too-large', async () => {
      const ends = Array.from({ length: 101 }, (_, i) => `<bpmn:endEvent id="e${i}" /><bpmn:sequenceFlow id="s${i}" sourceRef="fork" targetRef="e${i}" />`).join('');
      const fork = processXml(`<bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />${ends}<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork" />`);
      expectProblem(await validateBpmn(fork), 'fan-out-too-large', 'fork');
      const mi = '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">=1000</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>';
      expectProblem(await validateBpmn(around('handle', userTask('handle', 'camunda:candidateGroups="clerks"', mi))), 'fan-out-too-large', 'handle');
    });
  });

  describe('given the shipped processes', () => {
    it('when each processes/**/*.bpmn is validated, then it is accepted', async () => {
      const dir = path.join(repoRoot, 'processes');
      const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.bpmn'));
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) {
        const result = await validateBpmn(fs.readFileSync(path.join(dir, file), 'utf8'));
        expect(result.problems, `${file}: ${JSON.stringify(result.problems)}`).to.deep.equal([]);
      }
    });
  });

  describe('given a model with several problems', () => {
    it('when validated, then every problem is reported with lines', async () => {
      const xml = processXml(`
        <bpmn:startEvent id="start" />
        <bpmn:scriptTask id="run" scriptFormat="javascript"><bpmn:script>next()</bpmn:script></bpmn:scriptTask>
        ${userTask('handle', '')}
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeCycle>R/PT0S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:serviceTask id="call" name="Call" />
        <bpmn:endEvent id="end" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="run" />
        <bpmn:sequenceFlow id="f2" sourceRef="run" targetRef="handle" />
        <bpmn:sequenceFlow id="f3" sourceRef="handle" targetRef="wait" />
        <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="call" />
        <bpmn:sequenceFlow id="f5" sourceRef="call" targetRef="end" />`);
      const problems = problemsOf(await validateBpmn(xml));
      const found = problems.map((p) => `${p.rule}@${p.elementId}`);
      expect(found).to.include.members(['script-not-allowed@run', 'user-task-unassigned@handle', 'timer-absurd@wait', 'unsupported-element@call']);
      expect(problems.find((p) => p.elementId === 'run')!.line).to.equal(6);
    });
  });
});
