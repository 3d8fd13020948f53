/**
 * Checks on the raw upload, made before any XML parser sees it.
 *
 * The DOCTYPE check is textual on purpose: an internal subset is how billion-laughs and XXE
 * payloads are delivered, and no BPMN tool emits one, so refusing the whole document is cheaper
 * and safer than trusting any parser's entity handling.
 *
 * Model size is counted on the text too: parsing and linting are the expensive part (a
 * 100,000-element model took ~5.5 s in bpmn-moddle here and ~4.5 s more in bpmnlint, and its
 * intake once ran out of memory), so an absurd model is refused in milliseconds instead. Tags are counted by local name whatever their prefix; tags
 * in comments or of other vocabularies only ever count extra, so the count is an upper bound.
 */
import { problem, type Problem } from './types.ts';

export const MAX_BPMN_BYTES = 5 * 1024 * 1024;

/**
 * Flow elements (tasks, events, gateways, sequence flows, sub-processes, data references) across
 * all processes and sub-processes. The shipped processes have 30–50; validating 5,000 took ~1.5 s
 * here, and the engine state of a case grows with its definition.
 */
export const MAX_FLOW_ELEMENTS = 5_000;
/** User tasks: each one is a step a person must act on; 2,000 is far past any real request. */
export const MAX_USER_TASKS = 2_000;
/**
 * Elements of any kind, diagram and extensions included (~7 per flow element in the shipped
 * files): bounds parse time for uploads padded with anything else, e.g. 100,000
 * `<documentation>` tags took ~4 s.
 */
export const MAX_XML_ELEMENTS = 50_000;

// BPMN 2.0 FlowElement subtypes, by local name.
const FLOW_ELEMENT = /^(?:task|\w*Task|callActivity|\w*[sS]ubProcess|transaction|\w*Event|\w*Gateway|sequenceFlow|dataObject(?:Reference)?|dataStoreReference)$/;
const START_TAG = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/g;

const DOCTYPE_OR_ENTITY = /<!\s*(DOCTYPE|ENTITY)/gi;

/** Problems that make the text unsafe or too big to parse; empty when parsing may go ahead. */
export function guardRawXml(xml: unknown): Problem[] {
  if (typeof xml !== 'string') {
    return [problem(null, 'xml-not-well-formed', `Expected the BPMN document as text, got ${xml === null ? 'null' : typeof xml}`)];
  }
  const problems: Problem[] = [];
  // Only the first few declarations are reported: one is enough to refuse, and a hostile file
  // may hold thousands.
  for (const match of xml.matchAll(DOCTYPE_OR_ENTITY)) {
    const kind = match[1]!.toUpperCase();
    problems.push(problem(null, 'xml-doctype', `<!${kind}> declarations are not allowed in BPMN uploads`, lineAt(xml, match.index!)));
    if (problems.length >= 3) break;
  }
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > MAX_BPMN_BYTES) {
    problems.push(problem(null, 'xml-too-large', `Document is ${bytes} bytes; the limit is ${MAX_BPMN_BYTES} bytes`));
  } else {
    problems.push(...modelSizeProblems(xml));
  }
  return problems;
}

/** `model-too-large` when the text holds more elements than MAX_FLOW_ELEMENTS and friends allow. */
function modelSizeProblems(xml: string): Problem[] {
  let elements = 0;
  let flowElements = 0;
  let userTasks = 0;
  for (const match of xml.matchAll(START_TAG)) {
    elements++;
    const name = match[1]!;
    if (FLOW_ELEMENT.test(name)) flowElements++;
    if (name === 'userTask') userTasks++;
  }
  const tooMany = (what: string, found: number, limit: number) =>
    problem(null, 'model-too-large', `The model has ${found} ${what}; the limit is ${limit}`);
  const problems: Problem[] = [];
  if (flowElements > MAX_FLOW_ELEMENTS) problems.push(tooMany('flow elements (tasks, events, gateways, sequence flows)', flowElements, MAX_FLOW_ELEMENTS));
  if (userTasks > MAX_USER_TASKS) problems.push(tooMany('user tasks', userTasks, MAX_USER_TASKS));
  if (elements > MAX_XML_ELEMENTS) problems.push(tooMany('XML elements', elements, MAX_XML_ELEMENTS));
  return problems;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const ID_ATTRIBUTE = /\sid\s*=\s*(["'])([^"']*)\1/g;

/**
 * Maps each element id to the 1-based line of its first `id="…"` attribute, in one pass over
 * the text. A regex rather than a second XML parse: line numbers are a convenience for the
 * designer, and a missed one costs nothing.
 */
export function indexIdLines(xml: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let scanned = 0;
  for (const match of xml.matchAll(ID_ATTRIBUTE)) {
    for (let i = xml.indexOf('\n', scanned); i !== -1 && i < match.index!; i = xml.indexOf('\n', i + 1)) line++;
    scanned = match.index!;
    const id = match[2]!;
    if (!lines.has(id)) lines.set(id, line);
  }
  return lines;
}
