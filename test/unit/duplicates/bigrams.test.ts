import { expect } from 'chai';
import { bigramSimilarity } from '../../../server/duplicates/index.ts';

/** The fallback without pg_trgm: character bigrams, so Chinese text (no spaces) compares word by word. */
describe('duplicates: bigram similarity', () => {
  it('is 1 for the same text, whatever the spaces, punctuation and letter case', () => {
    expect(bigramSimilarity('路灯，不亮！', '路灯 不亮')).to.equal(1);
    expect(bigramSimilarity('Street Light', 'streetlight')).to.equal(1);
  });

  it('scores shared words above unrelated text', () => {
    const same = bigramSimilarity('小区门口路灯坏了', '小区门口的路灯不亮');
    const other = bigramSimilarity('小区门口路灯坏了', '楼下垃圾堆了三天');
    expect(same).to.be.greaterThan(0.4);
    expect(other).to.be.lessThan(0.1);
  });

  it('is 0 with nothing to compare, and a single character still counts', () => {
    expect(bigramSimilarity('', '路灯')).to.equal(0);
    expect(bigramSimilarity('！！', '路灯')).to.equal(0);
    expect(bigramSimilarity('灯', '灯')).to.equal(1);
  });
});
