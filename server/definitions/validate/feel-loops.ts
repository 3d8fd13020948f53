/**
 * `feel-loop-too-large`: iterations of `for`, `some` and `every` that the text alone proves.
 *
 * feelin materialises every iteration context as a list and joins several contexts into their
 * cartesian product, evaluating each later context once per combination of the earlier ones;
 * a loop in the body runs once per combination of all of them. Only sizes written as literals
 * count (`1..10000`, `[1..5)`, `[a, b, c]`); any other context counts as one, so the total is a
 * lower bound of the work and a bound that depends on data is left to the runtime budget. A loop
 * inside a function definition counts as if the function ran once where it is defined.
 */
import type { FeelFinding, FeelNode } from './feel-limits.ts';

/** Iterations of `for`/`some`/`every` per evaluation, in total: 10,000 took ~45 ms in feelin here. */
export const MAX_FEEL_ITERATIONS = 10_000;

/** Findings for the loops under `top`; call only on a tree within the depth limit (it recurses). */
export function loopFindings(top: FeelNode, text: string): FeelFinding[] {
  const findings: FeelFinding[] = [];
  let total = 0;
  const visit = (node: FeelNode, multiplier: number): void => {
    if (node.name !== 'ForExpression' && node.name !== 'QuantifiedExpression') {
      for (let child = node.firstChild; child; child = child.nextSibling) visit(child, multiplier);
      return;
    }
    let product = multiplier;
    for (const inExpression of node.getChild('InExpressions')?.getChildren('InExpression') ?? []) {
      const context = inExpression.getChild('IterationContext');
      if (!context) continue;
      visit(context, product);
      const size = iterationSize(context, text);
      if (size === Infinity) {
        findings.push({ rule: 'feel-loop-too-large', message: `the range ${clip(text.slice(context.from, context.to))} never ends: feelin steps by 1 from the first bound and stops only on the second, which is not a whole number of steps away` });
      } else if (size !== null) {
        product *= size;
      }
    }
    total += product;
    const body = node.lastChild;
    if (body && body.name !== 'InExpressions') visit(body, product);
  };
  visit(top, 1);
  if (total > MAX_FEEL_ITERATIONS) {
    findings.push({ rule: 'feel-loop-too-large', message: `its loops run at least ${count(total)} iterations; the limit is ${count(MAX_FEEL_ITERATIONS)}` });
  }
  return findings;
}

/** Elements one iteration context yields, Infinity when it never ends, null when not literal. */
function iterationSize(context: FeelNode, text: string): number | null {
  const parts = childrenOf(context);
  if (parts.length === 3 && parts[1]!.name === '..') return rangeSize(numberOf(parts[0]!, text), numberOf(parts[2]!, text), true, true);
  const only = parts.length === 1 ? parts[0]! : null;
  if (only?.name === 'List') return childrenOf(only).filter((c) => c.name !== '[' && c.name !== ']').length;
  const interval = only?.name === 'SimplePositiveUnaryTest' ? only.getChild('Interval') : null;
  const bounds = interval ? childrenOf(interval) : [];
  if (bounds.length === 5) {
    // `[` includes the start; `(` and `]` exclude it. `]` includes the end; `)` and `[` exclude it.
    return rangeSize(numberOf(bounds[1]!, text), numberOf(bounds[3]!, text), bounds[0]!.name === '[', bounds[4]!.name === ']');
  }
  return null;
}

/**
 * Size of a number range as feelin 8 iterates it: from the start in steps of ±1 until a step
 * equals the end exactly — so `1..0.5` (or `0.1..3.1` in floating point) never stops.
 */
function rangeSize(start: number | null, end: number | null, startIncluded: boolean, endIncluded: boolean): number | null {
  if (start === null || end === null) return null;
  const gap = Math.abs(end - start);
  // Past the limit the exact size no longer matters, and stepping through it would be the cost we refuse.
  if (gap >= MAX_FEEL_ITERATIONS) return Math.floor(gap) + 1;
  const direction = start > end ? -1 : 1;
  let i = start;
  for (let steps = 0; steps <= gap + 1; steps++, i += direction) {
    if (i === end) return Math.max(0, steps + 1 - (startIncluded ? 0 : 1) - (endIncluded ? 0 : 1));
  }
  return Infinity;
}

/** The value feelin gives a number literal (it uses parseFloat with a point, parseInt without). */
function numberOf(node: FeelNode, text: string): number | null {
  if (node.name !== 'NumericLiteral') return null;
  const literal = text.slice(node.from, node.to).replace(/\s+/g, '');
  const value = literal.includes('.') ? parseFloat(literal) : parseInt(literal, 10);
  return Number.isFinite(value) ? value : null;
}

function childrenOf(node: FeelNode): FeelNode[] {
  const children: FeelNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
  return children;
}

/** 100000000 → "100,000,000"; past 10^15, 1.0e+24. */
export function count(n: number): string {
  if (!Number.isFinite(n)) return 'more than 1e+308';
  return n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(1);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
