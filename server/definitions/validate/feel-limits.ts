/**
 * FEEL work that is provably unbounded or absurd, read from the syntax tree alone (nothing is
 * evaluated). The runtime's per-step time and heap budget is the real boundary; this refuses at
 * deploy what would certainly hit it, so the designer learns it from a 422 rather than from an
 * incident on a citizen's case. Pure over feelin's parser: the browser modeler runs it too.
 */
import { parseExpression } from 'feelin';
import type { FeelTree } from './feel.ts';
import { walk } from './walk.ts';
import { problem, type Problem } from './types.ts';
import { recursionFindings } from './feel-recursion.ts';
import { count, loopFindings } from './feel-loops.ts';

export { MAX_FEEL_ITERATIONS } from './feel-loops.ts';

/**
 * Characters in one expression (the shipped processes' longest is 93). Parsing is what bounds
 * it: feelin's parser slows with the names an expression binds, and a 2,000-character flat
 * context of short keys took ~0.2 s here, a 24,000-character one over 10 s.
 */
export const MAX_FEEL_LENGTH = 2_000;
/**
 * Characters of all FEEL in one model together (the shipped processes have at most 586). The
 * worst shapes parse at ~0.1 ms a character here (ten 2,000-character ones took 2.7 s to
 * validate), so this keeps the parses of one deploy near a second.
 */
export const MAX_MODEL_FEEL_LENGTH = 10_000;
/**
 * Syntax-tree levels. feelin's interpreter recurses once per level, and a 1,000-level tree took
 * ~0.2 s to evaluate here (lezer gives up near 3,000); the shipped processes peak at 6, and a
 * chain of 90 `or` alternatives stays below the limit.
 */
export const MAX_FEEL_DEPTH = 100;
/** Characters in one string literal: far past any code, label or message a condition compares. */
export const MAX_FEEL_STRING_LENGTH = 1_000;
/** Digits in one number literal: past 15, a double no longer holds it exactly and rounds silently. */
export const MAX_FEEL_DIGITS = 15;

/** Stable rule codes of the FEEL limits. */
export type FeelLimitRule = 'feel-too-long' | 'feel-too-deep' | 'feel-loop-too-large' | 'feel-literal-too-large' | 'feel-recursion';

/** One limit an expression breaks; the caller adds the element and where the expression sits. */
export interface FeelFinding {
  rule: FeelLimitRule;
  message: string;
}

/** A node of feelin's (lezer) syntax tree. */
export type FeelNode = FeelTree['topNode'];

/**
 * The limits a FEEL expression (without its leading `=`) breaks; empty when it is within all of
 * them. Meant for an expression that parses (pass its `tree` from parseFeel to save a second
 * parse): on one with syntax errors the findings may be partial. Length is checked before
 * parsing and depth before any recursive reading of the tree.
 */
export function feelLimitFindings(expression: string, tree?: FeelTree): FeelFinding[] {
  if (expression.length > MAX_FEEL_LENGTH) {
    return [{ rule: 'feel-too-long', message: `the expression is ${count(expression.length)} characters long; the limit is ${count(MAX_FEEL_LENGTH)}` }];
  }
  tree ??= parseExpression(expression, {}, undefined);
  const findings: FeelFinding[] = [];
  let depth = 0;
  let deepest = 0;
  // Iterative (lezer's cursor), so even a tree far past the limit is measured without recursion.
  tree.iterate({
    enter(node) {
      deepest = Math.max(deepest, ++depth);
      if (node.name === 'StringLiteral' || node.name === 'NumericLiteral') {
        const finding = literalFinding(node.name, expression.slice(node.from, node.to));
        if (finding) findings.push(finding);
      }
    },
    leave() {
      depth--;
    },
  });
  if (deepest > MAX_FEEL_DEPTH) {
    return [{ rule: 'feel-too-deep', message: `the expression nests ${deepest} levels deep; the limit is ${MAX_FEEL_DEPTH}` }];
  }
  // Below the depth limit, the readers below may recurse over the tree safely.
  return [...findings, ...loopFindings(tree.topNode, expression), ...recursionFindings(tree.topNode, expression)];
}

/**
 * `model-too-large` when the model's FEEL bodies together exceed MAX_MODEL_FEEL_LENGTH. Run
 * before any expression is parsed; every string starting with `=` on any element counts, which
 * includes everything the engine would evaluate as FEEL.
 */
export function checkFeelVolume(definitions: any): Problem[] {
  let total = 0;
  for (const { element } of walk(definitions)) {
    for (const value of Object.values(element)) {
      if (typeof value === 'string' && value.startsWith('=')) total += value.length - 1;
    }
  }
  if (total <= MAX_MODEL_FEEL_LENGTH) return [];
  return [problem(null, 'model-too-large', `The model's FEEL expressions total ${count(total)} characters; the limit is ${count(MAX_MODEL_FEEL_LENGTH)}`)];
}

function literalFinding(kind: string, text: string): FeelFinding | null {
  if (kind === 'StringLiteral' && text.length - 2 > MAX_FEEL_STRING_LENGTH) {
    return { rule: 'feel-literal-too-large', message: `a string literal of ${count(text.length - 2)} characters is longer than the limit of ${count(MAX_FEEL_STRING_LENGTH)}` };
  }
  const digits = text.replace(/[eE].*$/, '').replace(/\D/g, '').replace(/^0+/, '').length;
  if (kind === 'NumericLiteral' && digits > MAX_FEEL_DIGITS) {
    return { rule: 'feel-literal-too-large', message: `the number ${clip(text)} has ${digits} digits; past ${MAX_FEEL_DIGITS} it is silently rounded` };
  }
  return null;
}

function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 21)}...` : text;
}
