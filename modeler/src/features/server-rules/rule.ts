/**
 * The server's own deploy rules (no scripts, FEEL that parses, timers that parse, supported
 * elements, assignment and SLA on every user task, no wait-free loops) as one bpmnlint rule, so
 * the canvas shows those problems while the designer draws, not only after a refused deploy.
 * The checks are the server's modules themselves (pure functions over the moddle tree), bundled
 * into the browser; only the choice of process is restated here, because the server's parse
 * module also loads Node-only code.
 */
import { checkContent, checkScripts } from '../../../../server/definitions/validate/rules.ts';
import { checkSupported } from '../../../../server/definitions/validate/elements.ts';
import { checkLoops } from '../../../../server/definitions/validate/loops.ts';
import { checkNames, namesInModel, type Directory } from '../../../../server/definitions/validate/names.ts';

type Reporter = { report(id: string, message: string): void };

/**
 * The units and staff of the region being edited, as the server will check them at deploy.
 * Set by the designer page once loaded (null: not known yet, or a shared model — the server
 * checks those against every region that runs them).
 */
let directory: Directory | null = null;
export function useDirectory(d: Directory | null): void {
  directory = d;
}

/** The processes the server would check: the executable one, else (ambiguous) all of them. */
function executedProcesses(definitions: any): any[] {
  const processes = (definitions.rootElements ?? []).filter((el: any) => el?.$type === 'bpmn:Process');
  const executable = processes.filter((p: any) => p.isExecutable === true);
  return executable.length === 1 ? executable : processes;
}

export default function serverRules() {
  return {
    check(node: any, reporter: Reporter) {
      if (node.$type !== 'bpmn:Definitions') return;
      const problems = [...checkScripts(node), ...executedProcesses(node).flatMap((p) => [...checkSupported(p), ...checkContent(p), ...checkLoops(p)])];
      if (directory) problems.push(...checkNames(namesInModel(node), directory));
      for (const p of problems) reporter.report(p.elementId ?? node.id, p.message);
    },
  };
}
