/**
 * The supported subset of BPMN. Everything else is refused at deploy, with the reason, rather
 * than failing (or silently misbehaving) inside a running case.
 */
import { problem, type Problem } from './types.ts';

const NO_SERVICES = 'no services are registered with the engine';

// Element types that need no check: they either carry no behaviour or are always fine.
const ALWAYS_SUPPORTED = new Set([
  'bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:Task', 'bpmn:ExclusiveGateway', 'bpmn:ParallelGateway',
  'bpmn:EventBasedGateway', 'bpmn:SequenceFlow', 'bpmn:DataObject', 'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  // Refused by script-not-allowed already; one reason is enough.
  'bpmn:ScriptTask',
]);

const REFUSED_TASKS: Record<string, string> = {
  'bpmn:ServiceTask': NO_SERVICES,
  'bpmn:SendTask': NO_SERVICES,
  'bpmn:ReceiveTask': 'messages are not delivered to cases',
  'bpmn:BusinessRuleTask': 'no decision service is registered with the engine',
  'bpmn:CallActivity': 'a definition cannot call another definition yet',
  'bpmn:ComplexGateway': 'complex gateways are not implemented by the engine',
  'bpmn:Transaction': 'transactions are not supported',
  'bpmn:AdHocSubProcess': 'ad-hoc sub-processes are not supported',
};

const TIMER = 'bpmn:TimerEventDefinition';
const ERROR = 'bpmn:ErrorEventDefinition';
const TERMINATE = 'bpmn:TerminateEventDefinition';

/** `unsupported-element` problems for the process and every sub-process in it. */
export function checkSupported(process: any): Problem[] {
  const problems: Problem[] = [];
  const containers = [process];
  for (let i = 0; i < containers.length; i++) {
    for (const element of containers[i].flowElements ?? []) {
      const reason = unsupportedReason(element);
      if (reason) problems.push(problem(element.id, 'unsupported-element', reason));
      if (element.loopCharacteristics) {
        problems.push(problem(element.id, 'unsupported-element', 'Loop and multi-instance markers are not supported yet'));
      }
      // Look inside even refused containers, so the designer sees everything at once.
      if (Array.isArray(element.flowElements)) containers.push(element);
    }
  }
  return problems;
}

function unsupportedReason(element: any): string | null {
  const type: string = element.$type;
  if (ALWAYS_SUPPORTED.has(type)) return null;
  if (type in REFUSED_TASKS) return `${localName(type)} is not supported: ${REFUSED_TASKS[type]}`;
  const definitions: string[] = (element.eventDefinitions ?? []).map((d: any) => d.$type);
  switch (type) {
    case 'bpmn:StartEvent':
      return definitions.length === 0 ? null : `${kinds(definitions)} start events are not supported; use a none start event`;
    case 'bpmn:EndEvent':
      return definitions.every((d) => d === TERMINATE || d === ERROR) ? null : `${kinds(definitions)} end events are not supported; use a none, terminate or error end event`;
    case 'bpmn:IntermediateCatchEvent':
      return definitions.length === 1 && definitions[0] === TIMER ? null : `${kinds(definitions) || 'Untyped'} intermediate catch events are not supported; only timers`;
    case 'bpmn:IntermediateThrowEvent':
      return definitions.length === 0 ? null : `${kinds(definitions)} intermediate throw events are not supported; only none`;
    case 'bpmn:BoundaryEvent':
      return definitions.length > 0 && definitions.every((d) => d === TIMER || d === ERROR) ? null : `${kinds(definitions) || 'Untyped'} boundary events are not supported; only timer and error`;
    case 'bpmn:InclusiveGateway':
      // The engine passes every arriving token straight through, so downstream runs twice.
      return (element.incoming?.length ?? 0) > 1 ? 'Inclusive gateways may split but not join: the engine does not synchronise the join; use a parallel or exclusive gateway' : null;
    case 'bpmn:SubProcess':
      return element.triggeredByEvent ? 'Event sub-processes are not supported (their message and timer starts do not fire); use boundary events' : null;
    default:
      return `${localName(type)} is not supported`;
  }
}

function localName(type: string): string {
  return type.replace(/^[^:]*:/, '');
}

/** "Message", "Timer and Signal" from event definition types. */
function kinds(definitions: string[]): string {
  return definitions.map((d) => localName(d).replace(/EventDefinition$/, '')).join(' and ');
}
