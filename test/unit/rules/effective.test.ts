import { expect } from 'chai';
import { effectiveRules, FALLBACK_RULES, rulesPatchSchema } from '../../../server/rules/index.ts';

describe('rules/effective: a region\'s own over default\'s over the code\'s', () => {
  const rows = new Map<string, unknown>([
    ['default', { reopenMaxScore: 1, evaluationTimeout: 'P3D' }],
    ['yuquan', { reopenMaxScore: 3, satisfiedMinScore: 'four' }], // a value the schema no longer takes is skipped
  ]);
  const of = (region: string) => effectiveRules(region, (id) => rows.get(id));

  it('takes each rule from the nearest level that sets it, and says which', () => {
    const y = of('yuquan');
    expect(y.rules).to.include({ reopenMaxScore: 3, evaluationTimeout: 'P3D', satisfiedMinScore: 4 });
    expect(y.source).to.include({ reopenMaxScore: 'region', evaluationTimeout: 'default', satisfiedMinScore: 'code' });
    expect(y.inherited).to.include({ reopenMaxScore: 1, evaluationTimeout: 'P3D' });
    expect(y.overrides).to.deep.equal({ reopenMaxScore: 3 });
  });

  it('default inherits from the code only; a region with no row is default\'s', () => {
    expect(of('default').source).to.include({ reopenMaxScore: 'region', satisfiedMinScore: 'code' });
    expect(of('default').inherited.reopenMaxScore).to.equal(FALLBACK_RULES.reopenMaxScore);
    expect(of('saihan').rules).to.include({ reopenMaxScore: 1, evaluationTimeout: 'P3D' });
  });

  it('a PUT body names rules to set or null to reset, and nothing else', () => {
    expect(rulesPatchSchema.safeParse({ reopenMaxScore: null, evaluationTimeout: 'PT48H' }).success).to.equal(true);
    expect(rulesPatchSchema.safeParse({ evaluationTimeout: '-P1D' }).success).to.equal(false);
    expect(rulesPatchSchema.safeParse({ steeringGroups: ['a', 'a'] }).success).to.equal(false);
    expect(rulesPatchSchema.safeParse({ other: 1 }).success).to.equal(false);
  });
});
