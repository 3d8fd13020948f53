/**
 * bpmnlint with a fixed rule set, resolved statically: the resolver returns rules we required
 * here, so no `.bpmnlintrc` or plugin is ever looked up on disk at run time.
 *
 * The set is bpmnlint's `recommended`, with these changes:
 * - off `no-bpmndi`: API clients may upload XML without diagram information; the engine needs none.
 * - off `no-overlapping-elements`: about diagram layout only (and needs DI).
 * - off `superfluous-gateway`, `superfluous-label`, `superfluous-termination`, `global`:
 *   cosmetic or stylistic; the engine runs such models correctly, so refusing them only annoys designers.
 * - off `fake-join`: a task with two incoming flows runs once per token, which is what a designer
 *   drawing it means; it is a style warning in `recommended` too.
 * - off `ad-hoc-sub-process`, `event-sub-process-typed-start-event`, `link-event`,
 *   `no-complex-gateway`, `no-inclusive-gateway`: the constructs they inspect are refused outright
 *   by our `unsupported-element` rule, which explains why; reporting them twice is noise.
 * - warn `label-required`: unnamed tasks are poor practice but not wrong; the modeler shows it.
 * Everything else stays an error. Only `error` reports become problems.
 */
import { createRequire } from 'node:module';
import { problem, type Problem } from './types.ts';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');

export const RULES: Record<string, 'error' | 'warn'> = {
  'conditional-flows': 'error',
  'end-event-required': 'error',
  'event-based-gateway': 'error',
  'label-required': 'warn',
  'no-disconnected': 'error',
  'no-duplicate-sequence-flows': 'error',
  'no-gateway-join-fork': 'error',
  'no-implicit-end': 'error',
  'no-implicit-split': 'error',
  'no-implicit-start': 'error',
  'single-blank-start-event': 'error',
  'single-event-definition': 'error',
  'start-event-required': 'error',
  'sub-process-blank-start-event': 'error',
};

// Required once at module load, by literal name, from bpmnlint's own rules folder.
const RULE_FACTORIES: Record<string, unknown> = Object.fromEntries(
  Object.keys(RULES).map((name) => [name, require(`bpmnlint/rules/${name}`)]),
);

const staticResolver = {
  resolveRule(pkg: string, ruleName: string) {
    return pkg === 'bpmnlint' ? RULE_FACTORIES[ruleName] : undefined;
  },
  resolveConfig() {
    // No `extends` in our config, so this is never needed; refuse rather than look anything up.
    return undefined;
  },
};

// Marks a report that stands for a rule crashing, not for a finding.
const CRASH = '\u0000crash:';

type Check = (node: unknown, reporter: { report(id: unknown, message: string): void }) => unknown;

/**
 * bpmnlint rules assume a consistent model and throw on broken references (which we already
 * report as moddle warnings). The linter would log each crash to the console; catching it
 * inside the rule turns it into one quiet report instead.
 */
function guardRule(rule: { check: Check | { enter?: Check; leave?: Check } }) {
  const guard = (fn: Check | undefined): Check | undefined => fn && ((node, reporter) => {
    try {
      return fn(node, reporter);
    } catch (err) {
      reporter.report(null, `${CRASH}${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  });
  const { check } = rule;
  return { ...rule, check: typeof check === 'function' ? guard(check) : { enter: guard(check.enter), leave: guard(check.leave) } };
}


/** Runs the rule set over a parsed bpmn:Definitions; error-level reports become `lint/<rule>` problems. */
export async function lintBpmn(definitions: unknown): Promise<Problem[]> {
  const problems: Problem[] = [];
  let results: Record<string, Array<{ id?: string; message: string; category: string }>>;
  try {
    // A new Linter per model: it caches rule instances, and some rules (no-duplicate-sequence-flows)
    // keep state in their closure, which would leak findings from one upload into the next.
    const linter = new Linter({ resolver: staticResolver, config: { rules: RULES }, transformRule: guardRule });
    results = await linter.lint(definitions);
  } catch (err) {
    return [problem(null, 'lint/failed', `The linter could not check this model: ${err instanceof Error ? err.message : String(err)}`)];
  }
  for (const [ruleName, reports] of Object.entries(results)) {
    let crashed = false;
    for (const report of reports) {
      // A crashed rule checked nothing: fail closed, once per rule.
      if (report.category === 'rule-error' || report.message.startsWith(CRASH)) {
        if (!crashed) problems.push(problem(null, 'lint-rule-failed', `Lint rule ${ruleName} could not check this model (${report.message.replace(CRASH, '')}); fix the other problems first`));
        crashed = true;
      } else if (report.category === 'error') {
        problems.push(problem(report.id ?? null, `lint/${ruleName}`, report.message));
      }
    }
  }
  return problems;
}
