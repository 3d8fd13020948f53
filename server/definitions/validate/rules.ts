/**
 * Bangni's own content rules: the security boundary (no scripts, no script conditions), the
 * shape of every expression, timers, and task assignment.
 */
import { walk } from './walk.ts';
import { feelSyntaxError, isFeel, lookupError } from './feel.ts';
import { checkTimer, timerBodies } from './timers.ts';
import { problem, type Problem } from './types.ts';

// Stock bpmn-engine runs these in node:vm, which is not a sandbox (a model can reach
// child_process); listeners may carry scripts too. They are refused wherever they appear,
// even in a process that is not executable.
const SCRIPT_TYPES = new Set(['bpmn:ScriptTask', 'camunda:Script', 'camunda:ExecutionListener', 'camunda:TaskListener']);

/** Security rules over the whole document: scripts and condition languages. */
export function checkScripts(definitions: any): Problem[] {
  const problems: Problem[] = [];
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
  if (isFeel(body)) {
    const error = feelSyntaxError(body.slice(1));
    return error ? [problem(ownerId, 'feel-syntax', `Condition "${clip(body)}": ${error}`)] : [];
  }
  if (body.trim() === '') return [problem(ownerId, 'condition-not-feel', 'The condition is empty; write it in FEEL as =expr')];
  const error = body.startsWith('${') ? lookupError(body) : 'it is neither FEEL (=expr) nor a single ${path} lookup';
  return error ? [problem(ownerId, 'condition-not-feel', `Condition "${clip(body)}": ${error}`)] : [];
}

/** FEEL must parse; a `${…}` must be a plain lookup; anything else is a literal. */
function checkExpression(ownerId: string | null, where: string, value: string): Problem[] {
  if (!isFeel(value) && isFeel(value.trim())) {
    return [problem(ownerId, 'feel-syntax', `${where} "${clip(value.trim())}": remove the whitespace before "=", or it is read as a literal`)];
  }
  if (isFeel(value)) {
    const error = feelSyntaxError(value.slice(1));
    return error ? [problem(ownerId, 'feel-syntax', `${where} "${clip(value)}": ${error}`)] : [];
  }
  if (value.includes('${')) {
    const error = lookupError(value);
    return error ? [problem(ownerId, 'expression-not-lookup', `${where} "${clip(value)}": ${error}`)] : [];
  }
  return [];
}

function isAssigned(task: any): boolean {
  return [task.candidateGroups, task.candidateUsers, task.assignee].some((v) => typeof v === 'string' && v.trim() !== '');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
