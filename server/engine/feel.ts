import { Environment } from 'bpmn-elements';
import { evaluate } from 'feelin';

type Fn = (...args: never[]) => unknown;

/** Functions offered to designers' FEEL, e.g. `workdays(3)`; built per step. */
export type FeelFunctions = (variables: Record<string, unknown>) => Record<string, Fn>;

interface ExpressionContext {
  environment?: { variables?: Record<string, unknown> };
  content?: unknown;
  properties?: unknown;
}

const defaults = (new Environment() as unknown as {
  expressions: {
    resolveExpression(expression: string, context?: unknown, fnContext?: unknown): unknown;
    isExpression(s: string): boolean;
    hasExpression(s: string): boolean;
  };
}).expressions;

/**
 * The engine's `expressions` option: `=…` is FEEL (feelin), as bpmn-js and
 * Camunda 8 write it; a single `${path}` lookup keeps the engine's resolver,
 * which deploy validation restricts to plain paths. FEEL has operators — the
 * default resolver has none and treats any literal as true — and cannot reach
 * host objects: the context is plain variables plus our own functions.
 */
export function createFeelExpressions(functions: FeelFunctions = () => ({})) {
  return {
    resolveExpression(expression: string, context: ExpressionContext = {}, fnContext?: unknown): unknown {
      if (typeof expression === 'string' && expression.startsWith('=')) {
        const variables = context.environment?.variables ?? {};
        const { value } = evaluate(expression.slice(1), { ...variables, ...functions(variables) });
        return value ?? null;
      }
      return defaults.resolveExpression(expression, context, fnContext);
    },
    isExpression: (s: string) => (typeof s === 'string' && s.startsWith('=')) || defaults.isExpression(s),
    hasExpression: (s: string) => (typeof s === 'string' && s.startsWith('=')) || defaults.hasExpression(s),
  };
}

/** Evaluates one FEEL expression (with or without the leading `=`) outside a case. */
export function evaluateFeel(expression: string, variables: Record<string, unknown>, functions: FeelFunctions = () => ({})): unknown {
  const body = expression.startsWith('=') ? expression.slice(1) : expression;
  return evaluate(body, { ...variables, ...functions(variables) }).value ?? null;
}
