/**
 * Bangni's own content rules: the security boundary (no scripts, no script conditions), the
 * shape and cost of every expression the engine resolves, timers, fan-out and task assignment.
 */
import { walk } from './walk.ts';
import { isFeel, lookupError, parseFeel, type FeelTree } from './feel.ts';
import { feelLimitFindings, MAX_FEEL_LENGTH } from './feel-limits.ts';
import { checkTimer, timerBodies } from './timers.ts';
import { checkFanOut } from './fan-out.ts';
import { problem, type Problem } from './types.ts';

// Stock bpmn-engine runs these in node:vm, which is not a sandbox (a model can reach
// child_process); listeners may carry scripts too. They are refused wherever they appear,
// even in a process that is not executable.
const SCRIPT_TYPES = new Set(['bpmn:ScriptTask', 'camunda:Script', 'camunda:ExecutionListener', 'camunda:TaskListener']);

// Root elements, shared by every process, whose attributes bpmn-elements resolves as expressions
// when one is thrown or caught. A bpmn:Error errorCode of `${process.mainModule.require(…)…}`
// once ran a shell command through the default resolver.
const ROOT_EXPRESSION_ATTRIBUTES: Record<string, readonly string[]> = {
  'bpmn:Error': ['errorCode', 'name'],
  'bpmn:Message': ['name'],
  'bpmn:Signal': ['name'],
  'bpmn:Escalation': ['escalationCode', 'name'],
};

/**
 * Security rules over the whole document: scripts, condition languages, and the expressions of
 * root elements (errors, messages, signals, escalations), which live outside any process.
 */
export function checkScripts(definitions: any): Problem[] {
  const problems: Problem[] = [];
  for (const root of definitions?.rootElements ?? []) {
    for (const attribute of ROOT_EXPRESSION_ATTRIBUTES[root?.$type] ?? []) {
      const value = root[attribute];
      if (typeof value === 'string') problems.push(...checkExpression(root.id ?? null, attribute, value));
    }
  }
  for (const { element, ownerId, property } of walk(definitions)) {
    const type: string = element.$type;
    if (SCRIPT_TYPES.has(type)) {
      const where = type === 'bpmn:ScriptTask' ? 'Script tasks' : `<${type}> elements`;
      problems.push(problem(ownerId, 'script-not-allowed', `${where} are not allowed: models may not run code on the server`));
    }
    if (isConditionSlot(property) && typeof element.language === 'string' && element.language !== '') {
      problems.push(problem(ownerId, 'condition-language', `Condition language "${element.language}" is not allowed; write conditions in FEEL as =expr without a language attribute`));
    }
  }
  return problems;
}

function isConditionSlot(property: string | null): boolean {
  return property === 'conditionExpression' || property === 'condition';
}

// Camunda task attributes the engine adapter resolves as expressions.
const EXPRESSION_ATTRIBUTES = ['candidateGroups', 'candidateUsers', 'assignee', 'dueDate', 'followUpDate', 'priority'] as const;

// Attributes bpmn-elements resolves as expressions on these types (CallActivity.js,
// LoopCharacteristics.js, ServiceImplementation.js). Most of the types are refused as unsupported
// today; their expressions are checked anyway, so enabling one later does not open a hole.
const SERVICE_ATTRIBUTES = ['implementation', 'expression', 'delegateExpression', 'class'] as const;
const TYPE_EXPRESSION_ATTRIBUTES: Record<string, readonly string[]> = {
  'bpmn:CallActivity': ['calledElement'],
  'bpmn:MultiInstanceLoopCharacteristics': ['collection'],
  'bpmn:ServiceTask': SERVICE_ATTRIBUTES,
  'bpmn:SendTask': SERVICE_ATTRIBUTES,
  'bpmn:BusinessRuleTask': SERVICE_ATTRIBUTES,
  'bpmn:MessageEventDefinition': SERVICE_ATTRIBUTES,
};

// Child expressions of loop markers: loopCardinality is a value, the others are conditions
// (a literal `false` there is a truthy string, as in a sequence flow's condition).
const LOOP_CONDITIONS = new Set(['completionCondition', 'loopCondition']);

/** Expression, timer and assignment rules over the elements of the executable process. */
export function checkContent(process: any): Problem[] {
  const problems: Problem[] = [];
  for (const { element, ownerId, property } of walk(process)) {
    const type: string = element.$type;
    if (isConditionSlot(property)) problems.push(...checkCondition(ownerId, element));
    if (type === 'bpmn:TimerEventDefinition') {
      problems.push(...checkTimer(ownerId, element));
      // Padded bodies are already timer-invalid; the engine would not see them as expressions.
      for (const { kind, body } of timerBodies(element)) {
        if (body.trim() === body) problems.push(...checkExpression(ownerId, kind, body));
      }
    }
    for (const attribute of EXPRESSION_ATTRIBUTES) {
      const value = element[attribute];
      if (typeof value === 'string') problems.push(...checkExpression(ownerId, `camunda:${attribute}`, value));
    }
    for (const attribute of TYPE_EXPRESSION_ATTRIBUTES[type] ?? []) {
      const value = element[attribute];
      if (typeof value === 'string') problems.push(...checkExpression(ownerId, attribute, value));
    }
    // An empty marker condition is dropped by the engine, as an absent one.
    if (property !== null && LOOP_CONDITIONS.has(property) && element.body) problems.push(...checkCondition(ownerId, element));
    if (property === 'loopCardinality' && typeof element.body === 'string') problems.push(...checkExpression(ownerId, 'loopCardinality', element.body));
    problems.push(...checkFanOut(element, ownerId));
    if (type === 'bpmn:UserTask' && !isAssigned(element)) {
      problems.push(problem(ownerId, 'user-task-unassigned', 'A user task needs camunda:candidateGroups, camunda:candidateUsers or camunda:assignee, or nobody will see it'));
    }
  }
  return problems;
}

/**
 * A condition must be FEEL (`=expr`) or one `${path}` lookup: the default resolver has no
 * operators and treats a literal such as `false` as a truthy string. The body is judged as the
 * engine will see it, untrimmed: " =a > 1" would not be FEEL there but an always-true literal.
 */
function checkCondition(ownerId: string | null, expression: any): Problem[] {
  const body = String(expression.body ?? '');
  if (body.trim() !== body && body.trim() !== '') {
    return [problem(ownerId, 'condition-not-feel', `Condition "${clip(body.trim())}" has surrounding whitespace; the engine would read it as a literal, which is always true`)];
  }
  if (isFeel(body)) return checkFeel(ownerId, 'Condition', body);
  if (body.trim() === '') return [problem(ownerId, 'condition-not-feel', 'The condition is empty; write it in FEEL as =expr')];
  const error = body.startsWith('${') ? lookupError(body) : 'it is neither FEEL (=expr) nor a single ${path} lookup';
  return error ? [problem(ownerId, 'condition-not-feel', `Condition "${clip(body)}": ${error}`)] : [];
}

/** FEEL must parse; a `${…}` must be a plain lookup; anything else is a literal. */
function checkExpression(ownerId: string | null, where: string, value: string): Problem[] {
  if (!isFeel(value) && isFeel(value.trim())) {
    return [problem(ownerId, 'feel-syntax', `${where} "${clip(value.trim())}": remove the whitespace before "=", or it is read as a literal`)];
  }
  if (isFeel(value)) return checkFeel(ownerId, where, value);
  if (value.includes('${')) {
    const error = lookupError(value);
    return error ? [problem(ownerId, 'expression-not-lookup', `${where} "${clip(value)}": ${error}`)] : [];
  }
  return [];
}

/**
 * A FEEL body (`=expr`) must parse and stay within the limits of feel-limits.ts. An over-long
 * one is refused before parsing, and a syntax error first: the limits read the tree, which is
 * not the expression the designer meant when it has errors. One parse serves both.
 */
function checkFeel(ownerId: string | null, where: string, body: string): Problem[] {
  const expression = body.slice(1);
  const findings = (tree?: FeelTree) => feelLimitFindings(expression, tree).map((f) => problem(ownerId, f.rule, `${where} "${clip(body)}": ${f.message}`));
  if (expression.length > MAX_FEEL_LENGTH) return findings();
  const { tree, error } = parseFeel(expression);
  if (error !== null || tree === null) return [problem(ownerId, 'feel-syntax', `${where} "${clip(body)}": ${error}`)];
  return findings(tree);
}

function isAssigned(task: any): boolean {
  return [task.candidateGroups, task.candidateUsers, task.assignee].some((v) => typeof v === 'string' && v.trim() !== '');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
