/**
 * Deploy-time validation of untrusted BPMN uploads.
 *
 * Nothing from the model is ever executed here: the XML is parsed into moddle objects and
 * inspected. The checks run in stages; a stage that leaves nothing safe to inspect (a DOCTYPE,
 * an oversized or unparsable document) stops there, otherwise every problem is collected so the
 * designer can fix them all in one round trip.
 */
import { guardRawXml, indexIdLines, MAX_BPMN_BYTES } from './validate/xml-guard.ts';
import { findExecutableProcess, linkFlows, parseBpmn, processesOf } from './validate/parse.ts';
import { lintBpmn } from './validate/lint.ts';
import { checkContent, checkScripts } from './validate/rules.ts';
import { checkSupported } from './validate/elements.ts';
import { checkLoops } from './validate/loops.ts';
import { checkFeelVolume } from './validate/feel-limits.ts';
import { problem, type Problem, type ValidationResult } from './validate/types.ts';

export type { Problem, ParsedBpmn, ValidationResult } from './validate/types.ts';
export { namesInModel, checkNames, BUILT_IN_GROUPS } from './validate/names.ts';
export type { NameRef, Directory } from './validate/names.ts';
export { MAX_BPMN_BYTES };

/**
 * Validates a BPMN upload. Never throws for bad input: a refusal is `{ ok: false, problems }`
 * with every problem found, each with a stable `rule` code.
 */
export async function validateBpmn(xml: string): Promise<ValidationResult> {
  try {
    return await validate(xml);
  } catch (err) {
    // A bug or a pathological model the checks could not handle: fail closed, never deploy.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, problems: [problem(null, 'validator-error', `The model could not be validated: ${message}`)] };
  }
}

async function validate(xml: string): Promise<ValidationResult> {
  const rawProblems = guardRawXml(xml);
  if (rawProblems.length > 0) return { ok: false, problems: rawProblems };

  const parsed = await parseBpmn(xml);
  if (parsed.context === null) return { ok: false, problems: parsed.problems };
  const { context } = parsed;
  const definitions = context.rootElement;
  // Parsing FEEL slows with the names an expression binds: refuse an absurd total before any parse.
  const volume = checkFeelVolume(definitions);
  if (volume.length > 0) return { ok: false, problems: volume };
  linkFlows(definitions);

  const { process, problems: processProblems } = findExecutableProcess(definitions);
  // Execution rules apply to what the engine will run; when that is ambiguous, check every
  // process so the designer still sees all problems.
  const executed = process ? [process] : processesOf(definitions);

  const problems: Problem[] = [
    ...parsed.problems,
    ...processProblems,
    ...(await lintBpmn(definitions)),
    ...checkScripts(definitions),
  ];
  for (const p of executed) {
    problems.push(...checkSupported(p), ...checkContent(p), ...checkLoops(p));
  }

  if (problems.length > 0 || !process) {
    return { ok: false, problems: withLines(xml, problems) };
  }
  return {
    ok: true,
    parsed: { key: process.id, name: typeof process.name === 'string' ? process.name : null, moddleContext: context },
    problems: [],
  };
}

/** Adds the XML line of each problem's element, where it can be found cheaply. */
export function withLines(xml: string, problems: Problem[]): Problem[] {
  if (!problems.some((p) => p.line === undefined && p.elementId)) return problems;
  const lines = indexIdLines(xml);
  return problems.map((p) => {
    const line = p.line ?? (p.elementId ? lines.get(p.elementId) : undefined);
    return line === undefined ? p : { ...p, line };
  });
}
