import { expect } from 'chai';
import { createExpressions, lookup } from '../../../server/engine/index.ts';

describe('engine: Bangni owns every expression', () => {
  const expressions = createExpressions(() => ({ twice: function (n: number) { return n * 2; } }));
  const context = { environment: { variables: { title: 'T', dept: 'water', n: 3, items: [{ name: 'a' }], nested: { deep: { x: 1 } } } } };
  const resolve = (e: unknown) => expressions.resolveExpression(e, context);

  it('given =FEEL, then it is evaluated over the variables and our functions', () => {
    expect(resolve('=n > 2')).to.equal(true);
    expect(resolve('=twice(n)')).to.equal(6);
  });

  it('given exactly ${a.b.c}, then it is a plain lookup over variables (or environment.variables)', () => {
    expect(resolve('${dept}')).to.equal('water');
    expect(resolve('${environment.variables.dept}')).to.equal('water');
    expect(resolve('${nested.deep.x}')).to.equal(1);
    expect(resolve('${items[0].name}')).to.equal('a');
    expect(resolve('${missing.x}')).to.equal(undefined);
  });

  it('given a call, brackets, a template inside text or a path to Function, then it is literal text and nothing runs', () => {
    let ran = false;
    const hostile = { environment: { variables: { f: () => (ran = true) }, services: { run: () => (ran = true) } } };
    for (const text of [
      '${environment.services.run()}',
      "${process.mainModule.require('child_process').execSync('id')}",
      'unit-${dept}',
      '${dept + 1}',
      "${environment['variables']}",
      '${f()}',
    ]) {
      expect(expressions.resolveExpression(text, hostile), text).to.equal(text);
    }
    expect(ran).to.equal(false);
    expect(resolve('${title.constructor}')).to.equal(undefined);
    expect(resolve('${nested.__proto__}')).to.equal(undefined);
    expect(expressions.resolveExpression('${f}', hostile), 'a function is never handed out').to.equal(undefined);
    expect(expressions.resolveExpression('${environment.services}', hostile), 'only the variables are reachable').to.equal(undefined);
  });

  it('given a getter on the path, then it is not called', () => {
    let called = false;
    const root = Object.defineProperty({}, 'x', { get: () => ((called = true), 1), enumerable: true });
    expect(lookup('x', root as Record<string, unknown>)).to.equal(undefined);
    expect(called).to.equal(false);
  });
});
