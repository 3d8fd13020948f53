import { expect } from 'chai';
import { ancestry, effectiveTree, flatten, parentLinks, type CatalogueRow } from '../../../server/catalogue/index.ts';
import { chineseNumber, entriesFromTable } from '../../../server/catalogue/layout.ts';
import { parseCsv, readCsv } from '../../../server/catalogue/csv.ts';

const row = (region: string, code: string, parent: string | null, extra: Partial<CatalogueRow> = {}): CatalogueRow => ({
  region_id: region, code, parent_code: parent, name: code, keywords: [], default_unit: null, active: true, hidden: false, sort: 0, ...extra,
});
const DEFAULTS = [row('default', 'A', null), row('default', 'a1', 'A', { sort: 0 }), row('default', 'a2', 'A', { sort: 1 }), row('default', 'B', null, { sort: 1 }), row('default', 'b1', 'B')];

describe('catalogue: the effective tree of a region', () => {
  it('given no rows of its own, a region sees the default tree; leaves are selectable, branches not', () => {
    const tree = effectiveTree('yuquan', DEFAULTS, []);
    expect(flatten(tree).map((n) => `${n.code}${n.selectable ? '*' : ''}`)).to.deep.equal(['A', 'a1*', 'a2*', 'B', 'b1*']);
    expect(tree.byCode.get('a2')!.path).to.deep.equal([{ code: 'A', name: 'A' }, { code: 'a2', name: 'a2' }]);
  });

  it('a hidden row takes the node and its subtree out; an override renames; own nodes follow inherited siblings', () => {
    const tree = effectiveTree('yuquan', DEFAULTS, [
      row('yuquan', 'B', null, { hidden: true }),
      row('yuquan', 'a1', 'A', { name: '改名' }),
      row('yuquan', 'a0', 'A', { sort: 0 }), // own: after a1, a2 although its sort is lowest
      row('yuquan', 'x1', 'B'), // under a hidden node: not in the tree
    ]);
    expect(flatten(tree).map((n) => `${n.code}:${n.origin}`)).to.deep.equal(['A:default', 'a1:override', 'a2:default', 'a0:region']);
    expect(tree.byCode.get('a1')!.name).to.equal('改名');
    expect(tree.hidden).to.deep.equal(['B']);
  });

  it('a retired node is not usable, nor anything below it; a branch whose nodes are all retired becomes selectable', () => {
    const tree = effectiveTree('yuquan', DEFAULTS, [row('yuquan', 'a1', 'A', { active: false }), row('yuquan', 'a2', 'A', { active: false, sort: 1 }), row('yuquan', 'B', null, { active: false, sort: 1 })]);
    expect(tree.byCode.get('A')!.selectable).to.equal(true);
    expect(tree.byCode.get('b1')).to.include({ active: true, usable: false, selectable: false });
  });

  it('the SLA walk goes leaf → parent → top by the region\'s own links first, and stops at a loop', () => {
    const links = parentLinks([...DEFAULTS, row('yuquan', 'GN01', 'GN'), row('yuquan', 'GN', null), row('yuquan', 'b1', 'A'), row('x', 'p', 'q'), row('x', 'q', 'p')]);
    expect(ancestry(links, 'yuquan', 'GN01')).to.deep.equal(['GN01', 'GN']);
    expect(ancestry(links, 'yuquan', 'b1')).to.deep.equal(['b1', 'A']);
    expect(ancestry(links, 'saihan', 'b1')).to.deep.equal(['b1', 'B']);
    expect(ancestry(links, 'saihan', 'nowhere')).to.deep.equal(['nowhere']);
    expect(ancestry(links, 'x', 'p')).to.deep.equal(['p', 'q']);
  });
});

describe('catalogue: the file layout', () => {
  it('level headers count in Chinese', () => {
    expect([1, 2, 9, 10, 11, 12, 20].map(chineseNumber)).to.deep.equal(['一', '二', '九', '十', '十一', '十二', '二十']);
  });

  it('CSV: quotes, doubled quotes, commas and line breaks inside a cell, CRLF or LF, a byte-order mark', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n"two\nlines",x\ny')).to.deep.equal([['a', 'b,c', 'say "hi"'], ['two\nlines', 'x'], ['y']]);
    expect(parseCsv('"open')).to.have.property('issue');
    const read = readCsv(Buffer.from('\uFEFF一级分类编码,一级分类名称\r\n\'-X,名\r\n', 'utf8'));
    expect(read).to.deep.equal({ rows: [{ row: 1, cells: ['一级分类编码', '一级分类名称'] }, { row: 2, cells: ['-X', '名'] }] });
  });

  it('rows become entries; cells that disagree are named by row and column', () => {
    const t = (cells: string[][]) => entriesFromTable(cells.map((c, i) => ({ row: i + 1, cells: c })));
    const header = ['一级分类编码', '一级分类名称', '二级分类编码', '二级分类名称', '关键词', '状态', '备注'];
    const ok = t([header, ['GN', '供暖', '', '', '暖气', '', ''], ['GN', '供暖', 'GN01', '不热', '暖气；温度低,冷', '停用', '随便写']]);
    expect(ok.issues).to.deep.equal([]);
    expect(ok.entries).to.deep.equal([
      { code: 'GN', name: '供暖', parentCode: null, keywords: ['暖气'], defaultUnit: null, active: true },
      { code: 'GN01', name: '不热', parentCode: 'GN', keywords: ['暖气', '温度低', '冷'], defaultUnit: null, active: false },
    ]);
    const bad = t([header, ['GN', '供暖', '', '', '', '', ''], ['GN', '暖', 'GN01', '不热', '', '', ''], ['', '', 'GN02', '停', '', '', ''], [], ['GN', '供暖', 'GN03', '', '', '', '']]);
    expect(bad.issues.map((i) => `${i.row} ${i.column}`)).to.deep.equal(['4 一级分类编码', '6 二级分类名称', '3 一级分类名称']);
    expect(t([['编码', '名称']]).issues[0]).to.include({ row: 1, column: '一级分类编码' });
  });
});
