import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  feelLimitFindings, MAX_FEEL_DEPTH, MAX_FEEL_ITERATIONS, MAX_FEEL_LENGTH, MAX_FEEL_STRING_LENGTH,
} from '../../../server/definitions/validate/feel-limits.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const rulesOf = (expression: string) => feelLimitFindings(expression).map((f) => f.rule);

function expectOnly(expression: string, rule: string): string {
  const findings = feelLimitFindings(expression);
  expect(findings.map((f) => f.rule), JSON.stringify(findings)).to.include(rule);
  expect(new Set(findings.map((f) => f.rule)), JSON.stringify(findings)).to.deep.equal(new Set([rule]));
  return findings.map((f) => f.message).join(' | ');
}

/** Every FEEL body (`=…`) in the shipped processes: attribute values and element texts. */
function shippedExpressions(): string[] {
  const dir = path.join(repoRoot, 'processes');
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.bpmn'));
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return files.flatMap((f) => {
    const xml = fs.readFileSync(path.join(dir, f), 'utf8');
    return [...xml.matchAll(/="=([^"]*)"|>=([^<]*)</g)].map((m) => decode(m[1] ?? m[2]!));
  });
}

describe('definitions/validate/feel-limits', () => {
  describe('given expressions designers write', () => {
    it('when every FEEL body of the shipped processes is checked, then none breaks a limit', () => {
      const expressions = shippedExpressions();
      expect(expressions.length).to.be.greaterThan(5);
      for (const e of expressions) expect(feelLimitFindings(e), e).to.deep.equal([]);
    });

    it('when they use loops, built-ins, functions and long alternatives within the limits, then they are accepted', () => {
      for (const e of [
        'if urgency = "emergency" then "PT1H" else workdays(1)',
        'some x in ["road", "water"] satisfies x = category',
        'for i in 1..100, j in 1..100 return i * j',
        'for i in 1..n return i',
        'x in [1..1000000000]',
        'for i in 1.5..3.5 return i',
        '{double: function(n) n * 2, total: function(l) sum(l)}.double(string length("abc"))',
        Array.from({ length: 90 }, (_, i) => `category = "c${i}"`).join(' or '),
      ]) {
        expect(feelLimitFindings(e), e).to.deep.equal([]);
      }
    });
  });

  describe('given recursion', () => {
    it('when a context entry function calls itself, then feel-recursion', () => {
      expect(expectOnly('{f: function(n) f(n - 1) + f(n - 2)}.f(30)', 'feel-recursion')).to.contain('"f" calls itself');
    });

    it('when two entry functions call each other, then feel-recursion names both', () => {
      const message = expectOnly('{a: function(n) b(n), b: function(n) a(n)}.a(1)', 'feel-recursion');
      expect(message).to.contain('"a" calls "b"').and.to.contain('"b" calls "a"');
    });

    it('when a function calls its parameter (self-application), an alias or a computed function, then feel-recursion', () => {
      expectOnly('{y: function(g, n) g(g, n)}.y(function(g, n) g(g, n), 1)', 'feel-recursion');
      expectOnly('{f: function(n) h(n), h: f}.f(1)', 'feel-recursion');
      expectOnly('{o: {f: function(n) 1}, g: function(n) o.f(n)}.g(1)', 'feel-recursion');
    });
  });

  describe('given loops', () => {
    it('when ranges multiply past the limit, then feel-loop-too-large with the count', () => {
      expect(expectOnly('for i in 1..10000, j in 1..10000 return i * j', 'feel-loop-too-large')).to.contain('100,000,000');
      expectOnly('for i in 1..100 return for j in 1..1000 return i', 'feel-loop-too-large');
      expectOnly('for x in 1..10, y in for z in 1..1000 return z return x', 'feel-loop-too-large');
      expectOnly(`for i in 1..${MAX_FEEL_ITERATIONS + 1} return i`, 'feel-loop-too-large');
    });

    it('when some/every range over a large interval, then feel-loop-too-large', () => {
      expectOnly('some i in 1..100000 satisfies i > 1', 'feel-loop-too-large');
      expectOnly('every i in [1..20000) satisfies i > 1', 'feel-loop-too-large');
    });

    it('when a range cannot reach its end in whole steps, then feel-loop-too-large says it never ends', () => {
      expect(expectOnly('for i in 1..0.5 return i', 'feel-loop-too-large')).to.contain('never ends');
    });
  });

  describe('given literals, length and depth', () => {
    it('when a string literal is too long or a number has more than 15 digits, then feel-literal-too-large', () => {
      expectOnly(`"${'x'.repeat(MAX_FEEL_STRING_LENGTH + 1)}"`, 'feel-literal-too-large');
      expectOnly('1234567890123456 + 1', 'feel-literal-too-large');
      expect(rulesOf('0.000000000000000001 + 123456789012345')).to.deep.equal([]);
    });

    it('when the expression is too long, then feel-too-long and nothing else', () => {
      expect(rulesOf('x'.repeat(MAX_FEEL_LENGTH + 1))).to.deep.equal(['feel-too-long']);
    });

    it('when the expression nests too deep, then feel-too-deep and nothing else', () => {
      expect(rulesOf(`${'('.repeat(MAX_FEEL_DEPTH)}1${')'.repeat(MAX_FEEL_DEPTH)}`)).to.deep.equal(['feel-too-deep']);
      expect(rulesOf(`{f: function(n) f(n)}.f(${'['.repeat(MAX_FEEL_DEPTH)}1${']'.repeat(MAX_FEEL_DEPTH)})`)).to.deep.equal(['feel-too-deep']);
    });
  });
});
