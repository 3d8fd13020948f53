/**
 * Checks on the raw upload, made before any XML parser sees it.
 *
 * The DOCTYPE check is textual on purpose: an internal subset is how billion-laughs and XXE
 * payloads are delivered, and no BPMN tool emits one, so refusing the whole document is cheaper
 * and safer than trusting any parser's entity handling.
 */
import { problem, type Problem } from './types.ts';

export const MAX_BPMN_BYTES = 5 * 1024 * 1024;

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
  }
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
