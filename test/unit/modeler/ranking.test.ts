import { expect } from 'chai';
import { rankRows, type Breakdown } from '../../../modeler/src/lib/ranking.ts';

const row = (key: string, received: number, responseRate: number | null): Breakdown => ({ key, counts: { received }, rates: { responseRate } });

describe('audit page 考核排名: the order of the ranking tables', () => {
  const rows = [row('housing', 3, 0.9), row('water-utility', 5, null), row('city-management', 10, 0.5), row('civil-affairs', 2, 0.5), row('enforcement-bureau', 4, 1)];

  it('worst first: lowest rate on top, ties to the unit with more cases, rows with no figure last', () => {
    expect(rankRows(rows, 'responseRate', 'worst').map((r) => r.key)).to.deep.equal(['city-management', 'civil-affairs', 'housing', 'enforcement-bureau', 'water-utility']);
  });

  it('best first: highest rate on top, and a row with no figure still last (never "best")', () => {
    expect(rankRows(rows, 'responseRate', 'best').map((r) => r.key)).to.deep.equal(['enforcement-bureau', 'housing', 'city-management', 'civil-affairs', 'water-utility']);
  });

  it('leaves the rows it was given as they were', () => {
    const before = rows.map((r) => r.key);
    rankRows(rows, 'responseRate', 'best');
    expect(rows.map((r) => r.key)).to.deep.equal(before);
  });
});
