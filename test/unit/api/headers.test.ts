import { expect } from 'chai';
import { contentDisposition } from '../../../server/api/headers.ts';
import { cleanFilename } from '../../../server/cases/index.ts';

describe('api: Content-Disposition and stored file names', () => {
  it('given a Chinese name, then an ASCII fallback and the UTF-8 name in filename* (RFC 5987)', () => {
    expect(contentDisposition('inline', '现场照片.png')).to.equal(`inline; filename="____.png"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png`);
  });

  it("given quotes, backslashes and RFC 5987's excluded characters, then none is left raw", () => {
    const header = contentDisposition('attachment', `a"b\\c'(1)*.pdf`);
    expect(header).to.equal(`attachment; filename="a_b_c'(1)*.pdf"; filename*=UTF-8''a%22b%5Cc%27%281%29%2A.pdf`);
    expect(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(header)![1])).to.equal(`a"b\\c'(1)*.pdf`);
  });

  it('cleans a file name: last path segment, no control or bidi characters, 200 code points, never empty', () => {
    expect(cleanFilename('C:\\fakepath\\照片.png')).to.equal('照片.png');
    expect(cleanFilename('../../etc/passwd')).to.equal('passwd');
    expect(cleanFilename('a\u0000b\r\nc\u202egnp.exe')).to.equal('abcgnp.exe');
    expect(cleanFilename('\u0001')).to.equal('file');
    const long = cleanFilename('😀'.repeat(300));
    expect(Array.from(long)).to.have.length(200);
    expect(long).to.equal('😀'.repeat(200));
  });
});
