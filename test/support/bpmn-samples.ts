/** Small BPMN documents for tests (validator, definitions API, engine), built from parts. */
export const NS = [
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
  'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
].join(' ');

export function definitions(content: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>'): string {
  return `${prolog}\n<bpmn:definitions ${NS} id="defs" targetNamespace="http://bangni.test">\n${content}\n</bpmn:definitions>`;
}

export function processXml(body: string, key = 'api-test', name = 'API test'): string {
  return definitions(`<bpmn:process id="${key}" name="${name}" isExecutable="true">\n${body}\n</bpmn:process>`);
}

/** start → <middle> → end. */
export function around(middleId: string, middle: string, key?: string, name?: string): string {
  return processXml(
    `<bpmn:startEvent id="start" />
    ${middle}
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="toMiddle" sourceRef="start" targetRef="${middleId}" />
    <bpmn:sequenceFlow id="toEnd" sourceRef="${middleId}" targetRef="end" />`,
    key,
    name,
  );
}

export const userTask = (attributes = 'camunda:candidateGroups="dispatchers"', id = 'handle') =>
  `<bpmn:userTask id="${id}" name="Handle" ${attributes} />`;

/** A valid one-task process; `label` changes its content (and so its hash) without changing its key. */
export const validProcess = (key = 'api-test', label = 'Handle') =>
  around('handle', `<bpmn:userTask id="handle" name="${label}" camunda:candidateGroups="dispatchers" />`, key);

export function timerCatch(kind: string, value: string): string {
  return around(
    'wait',
    `<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="wait_def">
      <bpmn:${kind} xsi:type="bpmn:tFormalExpression">${value}</bpmn:${kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`,
  );
}

/** start → split (one conditioned flow to the task, default to end2) → task → end. */
export function conditional(condition: string, language = ''): string {
  return processXml(`
    <bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="split" default="toEnd2" />
    ${userTask()}
    <bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />
    <bpmn:sequenceFlow id="toSplit" sourceRef="start" targetRef="split" />
    <bpmn:sequenceFlow id="toTask" sourceRef="split" targetRef="handle">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"${language}>${condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="toEnd2" sourceRef="split" targetRef="end2" />
    <bpmn:sequenceFlow id="toEnd" sourceRef="handle" targetRef="end" />`);
}

/** start → intermediate timer `timerId` (duration) → user task `taskId` → end. */
export const timerThenTask = (duration: string, key: string, timerId = 'wait', taskId = 'after') =>
  processXml(
    `<bpmn:startEvent id="start" />
    <bpmn:intermediateCatchEvent id="${timerId}"><bpmn:timerEventDefinition id="${timerId}_def">
      <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="${taskId}" name="After" camunda:candidateGroups="dispatchers" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${timerId}" />
    <bpmn:sequenceFlow id="f2" sourceRef="${timerId}" targetRef="${taskId}" />
    <bpmn:sequenceFlow id="f3" sourceRef="${taskId}" targetRef="end" />`,
    key,
  );
