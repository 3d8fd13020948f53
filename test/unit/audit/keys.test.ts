import { expect } from 'chai';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DEVELOPMENT_ANCHOR_KEY, DEVELOPMENT_AUDIT_KEY, eventHash, keyFingerprint, loadAnchorKey, loadAuditKey } from '../../../server/audit/index.ts';

describe('audit/keys: BANGNI_AUDIT_KEY and BANGNI_ANCHOR_KEY', function () {
  const quiet = { demo: true, warn: () => undefined };
  const prod = { demo: false, warn: () => undefined };

  it('reads a 32-byte audit key as hex or base64, and refuses anything else', function () {
    const key = randomBytes(32);
    expect(loadAuditKey({ BANGNI_AUDIT_KEY: key.toString('hex') }, prod).equals(key)).to.equal(true);
    expect(loadAuditKey({ BANGNI_AUDIT_KEY: key.toString('base64') }, prod).equals(key)).to.equal(true);
    expect(() => loadAuditKey({ BANGNI_AUDIT_KEY: 'short' }, prod)).to.throw(/BANGNI_AUDIT_KEY must be 32 bytes/);
    expect(() => loadAuditKey({ BANGNI_AUDIT_KEY: DEVELOPMENT_AUDIT_KEY.toString('hex') }, prod)).to.throw(/published development key/);
  });

  it('a production start without the keys is refused; demo mode uses the development keys and says so', function () {
    expect(() => loadAuditKey({}, prod)).to.throw(/BANGNI_DEMO=0 needs BANGNI_AUDIT_KEY/);
    expect(() => loadAnchorKey({}, prod)).to.throw(/BANGNI_DEMO=0 needs BANGNI_ANCHOR_KEY/);
    const warnings: string[] = [];
    expect(loadAuditKey({}, { demo: true, warn: (m) => warnings.push(m) })).to.equal(DEVELOPMENT_AUDIT_KEY);
    expect(loadAnchorKey({}, { demo: true, warn: (m) => warnings.push(m) })).to.equal(DEVELOPMENT_ANCHOR_KEY);
    expect(warnings).to.have.length(2);
    expect(warnings.every((w) => w.includes('PUBLIC DEVELOPMENT KEY'))).to.equal(true);
  });

  it('reads an Ed25519 anchor key as PEM or base64 PKCS#8, and refuses other key types', function () {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    expect(keyFingerprint(loadAnchorKey({ BANGNI_ANCHOR_KEY: pem }, quiet))).to.equal(keyFingerprint(privateKey));
    expect(keyFingerprint(loadAnchorKey({ BANGNI_ANCHOR_KEY: der }, quiet))).to.equal(keyFingerprint(privateKey));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadAnchorKey({ BANGNI_ANCHOR_KEY: rsa }, quiet)).to.throw(/must be an Ed25519 key/);
    expect(() => loadAnchorKey({ BANGNI_ANCHOR_KEY: 'not a key' }, quiet)).to.throw(/BANGNI_ANCHOR_KEY must be/);
  });

  it('a version-2 event hash depends on the key; version 1 is the plain SHA-256 of before', function () {
    const e = { caseId: 1, seq: 1, at: new Date('2026-03-02T01:00:00Z'), actor: 'citizen', type: 'case.created', data: { a: 1 } };
    const a = eventHash(null, e, 2, randomBytes(32));
    const b = eventHash(null, e, 2, randomBytes(32));
    expect(a).to.not.equal(b);
    expect(eventHash(null, e, 1)).to.equal(eventHash(null, e));
    expect(eventHash(null, e, 1)).to.not.equal(a);
    expect(() => eventHash(null, e, 2)).to.throw(/audit key/);
  });
});
