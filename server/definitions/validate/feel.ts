/**
 * Expression checks. The engine evaluates `=…` bodies with feelin, and hands `${…}` to
 * bpmn-elements' default resolver, which can call any function reachable from its context —
 * so a `${…}` is accepted only as a plain property path, never a call.
 */
import { parseExpression } from 'feelin';

/** A body the engine treats as FEEL: `=` followed by the expression. */
export function isFeel(body: string): boolean {
  return body.startsWith('=');
}

/** feelin's (lezer) syntax tree of one expression. */
export type FeelTree = ReturnType<typeof parseExpression>;

/**
 * Parses a FEEL expression (without its leading `=`) once, for both the syntax check and the
 * limits: parsing is the costly step. `error` is null when it parses; `tree` is null when the
 * parser threw. feelin (lezer) recovers from errors and marks them as error nodes in the tree
 * rather than throwing; a throw (a stack overflow on deep nesting) is handled too.
 */
export function parseFeel(expression: string): { tree: FeelTree | null; error: string | null } {
  if (expression.trim() === '') return { tree: null, error: 'the expression is empty' };
  try {
    const tree = parseExpression(expression, {}, undefined);
    let at: number | null = null;
    tree.iterate({
      enter(node) {
        if (at === null && node.type.isError) at = node.from;
        return at === null;
      },
    });
    if (at === null) return { tree, error: null };
    const near = expression.slice(at, at + 20);
    return { tree, error: `syntax error at column ${at + 1}${near ? ` near "${near}"` : ' (unexpected end)'}` };
  } catch (err) {
    return { tree: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The syntax error of a FEEL expression (without its leading `=`), or null when it parses. */
export function feelSyntaxError(expression: string): string | null {
  return parseFeel(expression).error;
}

const PATH_LOOKUP = /^\$\{\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[-?\d+\])*)\s*\}$/;

// Walking to these from any object reaches Function, which is the first step of every escape.
const FORBIDDEN_SEGMENTS = new Set(['constructor', '__proto__', 'prototype']);

/** Why a `${…}` body is refused, or null when it is a single plain property lookup. */
export function lookupError(body: string): string | null {
  const match = PATH_LOOKUP.exec(body);
  if (!match) return 'only a single property lookup such as ${environment.variables.x} is allowed (no calls or operators); write FEEL as =expr instead';
  const segment = match[1]!.split(/[.[\]]/).find((s) => FORBIDDEN_SEGMENTS.has(s));
  return segment ? `the lookup may not use "${segment}"` : null;
}
