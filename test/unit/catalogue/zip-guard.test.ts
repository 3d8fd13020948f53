import { deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { zipTooBig } from '../../../server/catalogue/zip-guard.ts';

/** A one-entry zip holding `data` deflated: enough of the format for the guard to read. */
function zipOf(name: string, data: Buffer, claimedSize = data.length): Buffer {
  const packed = deflateRawSync(data);
  const fname = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(claimedSize, 22);
  local.writeUInt16LE(fname.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(claimedSize, 24);
  central.writeUInt16LE(fname.length, 28);
  const dirOffset = local.length + fname.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fname.length, 12);
  end.writeUInt32LE(dirOffset, 16);
  return Buffer.concat([local, fname, packed, central, fname, end]);
}

describe('catalogue: a workbook that would unpack past the budget is never opened', () => {
  it('passes an ordinary workbook-sized zip and anything that is not a zip', () => {
    expect(zipTooBig(zipOf('xl/worksheets/sheet1.xml', Buffer.from('<x>供暖</x>'.repeat(1000))))).to.equal(null);
    expect(zipTooBig(Buffer.from('编码,名称\n'))).to.equal(null);
  });

  it('refuses a zip bomb: 100 MB of zeros in a few kilobytes', () => {
    const bomb = zipOf('xl/sharedStrings.xml', Buffer.alloc(100 * 1024 * 1024));
    expect(bomb.length).to.be.below(200 * 1024);
    expect(zipTooBig(bomb)).to.match(/zip bomb|more than/);
  });

  it('refuses zip64 markers and sums past the limit', () => {
    expect(zipTooBig(zipOf('a.xml', Buffer.from('x'), 0xffffffff))).to.match(/zip64/);
    expect(zipTooBig(zipOf('a.xml', Buffer.from('abc'.repeat(10_000))), 1000)).to.match(/more than 0 MB|more than/);
  });
});
