import { evaluate } from 'feelin';

type Fn = (...args: never[]) => unknown;

/** Functions offered to designers' FEEL, e.g. `workdays(3)`; built per evaluation from the case's variables. */
export type FeelFunctions = (variables: Record<string, unknown>) => Record<string, Fn>;

/** What bpmn-elements hands an expressions service: `{ environment, ...message }`. */
interface ExpressionContext {
  environment?: { variables?: Record<string, unknown> };
  content?: unknown;
  properties?: unknown;
}

/**
 * `${a.b.c}` and nothing else: identifiers joined by dots, optionally with
 * numeric indexes (`${items[0].name}`). Calls, brackets with text, operators
 * and templates inside longer strings never match, so they stay literal text.
 */
const LOOKUP = /^\$\{\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*)\s*\}$/;

// Walking to these from any object reaches Function, which is the first step of every escape.
const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype']);

/**
 * The engine's `expressions` option: Bangni owns every expression the engine
 * resolves, and bpmn-elements' default resolver (which calls functions found
 * on its context — a `bpmn:Error` errorCode template once ran a shell command
 * through it) is never reached.
 *   - `=…` is FEEL (feelin) over the case's plain variables and our functions;
 *   - a string that is exactly `${path}` is an own-property lookup over plain data;
 *   - anything else is literal text, returned as it is.
 * FEEL's own cost (recursion, huge ranges) is bounded by the step's budget in
 * its worker thread (server/sandbox), not here.
 */
export function createExpressions(functions: FeelFunctions = () => ({})) {
  return {
    resolveExpression(expression: unknown, context: ExpressionContext = {}): unknown {
      if (typeof expression !== 'string') return expression;
      const variables = context.environment?.variables ?? {};
      if (expression.startsWith('=')) return evaluateFeel(expression, variables, functions);
      const match = LOOKUP.exec(expression);
      if (!match) return expression;
      return lookup(match[1]!, { ...variables, environment: { variables }, content: context.content, properties: context.properties });
    },
    isExpression: (s: unknown) => typeof s === 'string' && (s.startsWith('=') || LOOKUP.test(s)),
    hasExpression: (s: unknown) => typeof s === 'string' && (s.startsWith('=') || LOOKUP.test(s)),
  };
}

/** Evaluates one FEEL expression (with or without the leading `=`) over plain variables and our functions. */
export function evaluateFeel(expression: string, variables: Record<string, unknown>, functions: FeelFunctions = () => ({})): unknown {
  const body = expression.startsWith('=') ? expression.slice(1) : expression;
  return evaluate(body, { ...variables, ...functions(variables) }).value ?? null;
}

/**
 * Follows `a.b[0].c` through own properties of plain objects and arrays only:
 * no getter, prototype or function is ever touched, so a lookup can read data
 * and nothing else. A missing step or a non-plain value is `undefined`.
 */
export function lookup(path: string, root: Record<string, unknown>): unknown {
  let value: unknown = root;
  for (const segment of path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '')) {
    if (FORBIDDEN.has(segment) || !isPlain(value)) return undefined;
    const desc = Object.getOwnPropertyDescriptor(value, segment);
    if (!desc || !('value' in desc)) return undefined;
    value = desc.value;
  }
  return isData(value) ? value : undefined;
}

function isPlain(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value);
}

function isData(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  return value instanceof Date || isPlain(value);
}
