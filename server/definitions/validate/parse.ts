/**
 * Parsing with bpmn-moddle (plus the Camunda descriptor, so `camunda:*` attributes are typed)
 * and the checks that need only the parse result: moddle warnings and the executable process.
 */
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { problem, type ParsedBpmn, type Problem } from './types.ts';

const require = createRequire(import.meta.url);
const camundaDescriptor = require('camunda-bpmn-moddle/resources/camunda.json');

type ModdleContext = ParsedBpmn['moddleContext'];

export type ParseOutcome = { context: ModdleContext; problems: Problem[] } | { context: null; problems: Problem[] };

/**
 * Parses the document. Returns `context: null` when there is no usable BPMN model at all
 * (not well-formed, or not bpmn:Definitions); otherwise every moddle warning as a problem.
 */
export async function parseBpmn(xml: string): Promise<ParseOutcome> {
  if (xml.trim() === '') {
    return { context: null, problems: [problem(null, 'xml-not-well-formed', 'The document is empty')] };
  }
  // A fresh instance per upload: moddle caches types per instance, and uploads must not share state.
  const moddle = new BpmnModdle({ camunda: camundaDescriptor });
  let context: ModdleContext;
  try {
    context = (await moddle.fromXML(xml)) as ModdleContext;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // moddle-xml's wording when the root element is well-formed XML of another vocabulary.
    if (/failed to parse document as <bpmn:Definitions>/.test(message)) {
      return { context: null, problems: [problem(null, 'not-bpmn', 'The root element is not <bpmn:definitions> in the BPMN 2.0 model namespace')] };
    }
    return { context: null, problems: [problem(null, 'xml-not-well-formed', `The XML is not well-formed: ${describe(message)}`, lineOf(message))] };
  }
  if (context.rootElement?.$type !== 'bpmn:Definitions') {
    return { context: null, problems: [problem(null, 'not-bpmn', 'The root element is not <bpmn:definitions>')] };
  }
  return { context, problems: (context.warnings ?? []).map(warningToProblem) };
}

function warningToProblem(warning: any): Problem {
  const message = String(warning?.message ?? warning);
  // Duplicate ids are reported without an element; the id is only in the nested message.
  const elementId = warning?.element?.id ?? /duplicate ID <([^>]*)>/.exec(message)?.[1] ?? null;
  return problem(elementId, 'moddle-warning', describe(message), lineOf(message));
}

/** moddle messages span lines ("…detected\n\tline: 0\n\tcolumn: 5\n\tnested error: …"): keep the gist. */
function describe(message: string): string {
  const [first] = message.split('\n');
  const nested = /nested error: (.*)/.exec(message)?.[1];
  return nested ? `${first}: ${nested}` : first!;
}

/** moddle reports 0-based lines. */
function lineOf(message: string): number | undefined {
  const match = /\tline: (\d+)/.exec(message);
  return match ? Number(match[1]) + 1 : undefined;
}

export function processesOf(definitions: any): any[] {
  return (definitions?.rootElements ?? []).filter((el: any) => el?.$type === 'bpmn:Process');
}

/**
 * Picks the one process the engine will run: the only `isExecutable="true"` one, or the only
 * process at all when none says. Anything else is ambiguous for a definition key.
 */
export function findExecutableProcess(definitions: any): { process: any | null; problems: Problem[] } {
  const processes = processesOf(definitions);
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 1) return { process: executable[0], problems: [] };
  if (executable.length === 0 && processes.length === 1 && processes[0].isExecutable === undefined) {
    return { process: processes[0], problems: [] };
  }
  const message = executable.length > 1
    ? `Exactly one executable process is allowed; found ${executable.length}: ${executable.map((p) => p.id).join(', ')}`
    : processes.length === 0
      ? 'The document has no bpmn:process'
      : 'No process is marked isExecutable="true"';
  return { process: null, problems: [problem(executable[1]?.id ?? null, 'process-count', message)] };
}

/**
 * Completes each node's `incoming`/`outgoing` from the sequence flows' sourceRef/targetRef.
 * bpmn-js writes both, but the XML standard needs only the flows, and hand-written or
 * API-generated uploads often leave the node side out. The engine follows the flows; bpmnlint
 * and our gateway checks read the node side, so without this they would see every node as
 * disconnected (and an inclusive join as a split).
 */
export function linkFlows(definitions: any): void {
  const containers: any[] = processesOf(definitions);
  for (let i = 0; i < containers.length; i++) {
    for (const element of containers[i].flowElements ?? []) {
      if (Array.isArray(element.flowElements)) containers.push(element);
      if (element.$type !== 'bpmn:SequenceFlow') continue;
      addOnce(element.sourceRef, 'outgoing', element);
      addOnce(element.targetRef, 'incoming', element);
    }
  }
}

function addOnce(node: any, side: 'incoming' | 'outgoing', flow: any): void {
  if (!node || typeof node !== 'object' || typeof node.get !== 'function') return;
  const list: any[] = node.get(side); // moddle creates the collection on first access
  if (Array.isArray(list) && !list.includes(flow)) list.push(flow);
}
