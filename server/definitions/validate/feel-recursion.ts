/**
 * `feel-recursion`: a function defined in the expression that may call a function defined in the
 * expression. feelin resolves names in a function body when it is called, against every entry of
 * the enclosing contexts — earlier or later ones — so `{f: function(n) f(n-1)}` recurses, and so
 * does `{a: function(n) b(n), b: function(n) a(n)}`; a function handed in as an argument recurses
 * by calling itself through its parameter (`function(g, n) g(g, n)`). Recursion has no bound the
 * validator could prove, and a deep one overflows the stack.
 *
 * The rule is kept simple and sound: inside a function body, a call is allowed only to a plain
 * name that nothing in the expression binds — a built-in (`sum`, `string length`) or one of the
 * engine's own functions (`workdays`). Names are collected from the whole expression, not by
 * scope: a false alarm needs a local name that shadows a built-in, which reads badly anyway.
 */
import type { FeelFinding, FeelNode } from './feel-limits.ts';

type Binding = 'function' | 'parameter' | 'other';

/** Findings for the function definitions under `top`; call only on a tree within the depth limit. */
export function recursionFindings(top: FeelNode, text: string): FeelFinding[] {
  const bound = new Map<string, Binding>();
  collectBindings(top, text, bound);
  const messages = new Set<string>();
  const visit = (node: FeelNode, caller: string | null): void => {
    if (node.name === 'FunctionDefinition') caller = definitionName(node, text);
    if (caller !== null && node.name === 'FunctionInvocation' && node.firstChild) {
      const message = callProblem(caller, node.firstChild, text, bound);
      if (message) messages.add(message);
    }
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child, caller);
  };
  visit(top, null);
  return [...messages].map((message) => ({ rule: 'feel-recursion', message }));
}

function callProblem(caller: string, callee: FeelNode, text: string, bound: Map<string, Binding>): string | null {
  const who = caller === '' ? 'a function defined in the expression' : `the function "${caller}"`;
  if (callee.name !== 'VariableName') {
    return `${who} calls a computed function (${clip(text.slice(callee.from, callee.to))}): inside a function definition only built-in functions may be called, or it could recurse`;
  }
  const name = nameOf(callee, text);
  switch (bound.get(name)) {
    case undefined:
      return null;
    case 'function':
      return `${who} calls ${name === caller ? 'itself' : `"${name}", a function of the same expression`}: recursion is not allowed`;
    case 'parameter':
      return `${who} calls its parameter "${name}": calling a function passed in is how recursion is written without a name, and is not allowed`;
    default:
      return `${who} calls "${name}", which the expression binds and which may hold one of its functions: recursion is not allowed`;
  }
}

/** Names the expression binds: context keys, function parameters, `for`/`some`/`every` variables. */
function collectBindings(node: FeelNode, text: string, bound: Map<string, Binding>): void {
  const bind = (name: string, binding: Binding) => {
    if (bound.get(name) !== 'function') bound.set(name, binding);
  };
  if (node.name === 'ContextEntry') {
    const key = node.getChild('Key');
    if (key?.firstChild) bind(nameOf(key.firstChild, text), key.nextSibling?.name === 'FunctionDefinition' ? 'function' : 'other');
  } else if (node.name === 'FormalParameter') {
    const parameter = node.getChild('ParameterName');
    if (parameter) bind(nameOf(parameter, text), 'parameter');
  } else if (node.name === 'InExpression') {
    const variable = node.getChild('Name');
    if (variable) bind(nameOf(variable, text), 'other');
  }
  for (let child = node.firstChild; child; child = child.nextSibling) collectBindings(child, text, bound);
}

/** The key of the context entry a definition is the value of; '' for an anonymous one. */
function definitionName(definition: FeelNode, text: string): string {
  const key = definition.parent?.name === 'ContextEntry' ? definition.parent.getChild('Key') : null;
  return key?.firstChild ? nameOf(key.firstChild, text) : '';
}

/** A FEEL name as written, spaces normalised (`string  length` is `string length`); keys lose their quotes. */
function nameOf(node: FeelNode, text: string): string {
  const raw = text.slice(node.from, node.to);
  const name = node.name === 'StringLiteral' ? raw.slice(1, -1) : raw;
  return name.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
