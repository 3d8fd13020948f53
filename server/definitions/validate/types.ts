/**
 * Shapes shared by the deploy-time validator. `validate.ts` re-exports them: it is the only
 * file other folders import.
 */

/** One reason a BPMN upload is refused. `rule` is a stable kebab-case code clients may key on. */
export interface Problem {
  elementId: string | null;
  rule: string;
  message: string;
  /** 1-based line in the uploaded XML, when it could be found cheaply. */
  line?: number;
}

export interface ParsedBpmn {
  /** id of the single executable bpmn:Process */
  key: string;
  /** its name attribute */
  name: string | null;
  /** result of BpmnModdle.fromXML */
  moddleContext: { rootElement: any; elementsById: Record<string, any>; references: any[]; warnings: any[] };
}

export type ValidationResult = { ok: true; parsed: ParsedBpmn; problems: [] } | { ok: false; problems: Problem[] };

export function problem(elementId: string | null | undefined, rule: string, message: string, line?: number): Problem {
  const p: Problem = { elementId: elementId ?? null, rule, message };
  if (line !== undefined) p.line = line;
  return p;
}
