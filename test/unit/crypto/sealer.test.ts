import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createSealer, loadSecretKey, maskIdNumber, maskName, maskPhone, parseSecretKey, DEVELOPMENT_KEY } from '../../../server/crypto/index.ts';
import { sniffFileType } from '../../../server/cases/index.ts';

describe('crypto: sealing, keyed hashes, masks, keys', () => {
  const sealer = createSealer(randomBytes(32));

  it('seals with a fresh IV each time and opens again; tampering is detected', () => {
    const a = sealer.seal('19900000001');
    const b = sealer.seal('19900000001');
    expect(a).to.not.equal(b);
    expect(a).to.not.include('19900000001');
    expect(sealer.open(a)).to.equal('19900000001');
    const parts = a.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64url').toString('latin1').slice(1), 'latin1').toString('base64url');
    expect(() => sealer.open(parts.join('.'))).to.throw();
    expect(() => createSealer(randomBytes(32)).open(a)).to.throw();
  });

  it('hashes equal inputs equally, per purpose and per key', () => {
    expect(sealer.hash('phone', '1')).to.equal(sealer.hash('phone', '1'));
    expect(sealer.hash('phone', '1')).to.not.equal(sealer.hash('id-number', '1'));
    expect(sealer.hash('phone', '1')).to.not.equal(createSealer(randomBytes(32)).hash('phone', '1'));
    expect(sealer.matches('phone', '1', sealer.hash('phone', '1'))).to.equal(true);
    expect(sealer.matches('phone', '2', sealer.hash('phone', '1'))).to.equal(false);
  });

  it('masks phone, ID number and name', () => {
    expect(maskPhone('19900000001')).to.equal('199****0001');
    expect(maskIdNumber('150102199001011234')).to.equal('150102********1234');
    expect(maskName('王小明')).to.equal('王**');
  });

  it('reads the key from hex or base64, refuses bad ones, and refuses to run in production without one', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex')).equals(key)).to.equal(true);
    expect(parseSecretKey(key.toString('base64')).equals(key)).to.equal(true);
    expect(() => parseSecretKey('short')).to.throw(/32 bytes/);
    expect(() => loadSecretKey({}, { demo: false, warn: () => undefined })).to.throw(/BANGNI_SECRET_KEY/);
    expect(() => loadSecretKey({ BANGNI_SECRET_KEY: DEVELOPMENT_KEY.toString('hex') }, { demo: false, warn: () => undefined })).to.throw(/development/);
    const warnings: string[] = [];
    expect(loadSecretKey({}, { demo: true, warn: (m) => warnings.push(m) }).equals(DEVELOPMENT_KEY)).to.equal(true);
    expect(warnings[0]).to.match(/WARNING/);
  });

  it('recognises file types by their magic bytes only', () => {
    expect(sniffFileType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).to.equal('image/jpeg');
    expect(sniffFileType(Buffer.from('%PDF-1.7'))).to.equal('application/pdf');
    expect(sniffFileType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).to.equal('image/webp');
    expect(sniffFileType(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'))).to.equal('image/heic');
    expect(sniffFileType(Buffer.from('<svg onload=alert(1)>'))).to.equal(null);
  });
});
