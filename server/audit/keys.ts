import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Published development keys: a chain or anchor made with them proves nothing,
 * since anyone with this source can recompute it. Only demo mode (and tests)
 * fall back to them, and they say so.
 */
export const DEVELOPMENT_AUDIT_KEY = createHash('sha256').update('bangni development audit key - not secret').digest();
const DEVELOPMENT_ANCHOR_SEED = createHash('sha256').update('bangni development anchor key - not secret').digest();
/** An Ed25519 private key in PKCS#8 DER is this fixed prefix and the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
export const DEVELOPMENT_ANCHOR_KEY: KeyObject = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, DEVELOPMENT_ANCHOR_SEED]), format: 'der', type: 'pkcs8' });

type Warn = { demo: boolean; warn: (msg: string) => void };

/** BANGNI_AUDIT_KEY: 32 bytes as 64 hex characters or base64; demo mode: the development key, loudly. */
export function loadAuditKey(env: { BANGNI_AUDIT_KEY?: string }, opts: Warn): Buffer {
  const text = env.BANGNI_AUDIT_KEY?.trim();
  if (text) {
    let key: Buffer | null = null;
    if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
    else {
      const b = Buffer.from(text, 'base64');
      // Buffer.from ignores stray characters: re-encode to be sure the text was base64.
      if (b.length === 32 && b.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '')) key = b;
    }
    if (!key) throw new Error('BANGNI_AUDIT_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -base64 32`).');
    if (key.equals(DEVELOPMENT_AUDIT_KEY)) throw new Error('BANGNI_AUDIT_KEY is the published development key; generate your own.');
    return key;
  }
  if (!opts.demo) throw new Error('BANGNI_DEMO=0 needs BANGNI_AUDIT_KEY (32 bytes, hex or base64; e.g. `openssl rand -base64 32`). Refusing to start.');
  opts.warn(
    '!!! WARNING: BANGNI_AUDIT_KEY is not set: case event chains are keyed with the PUBLIC DEVELOPMENT KEY, so anyone who can ' +
      'write the database can forge them. Fine for a demo, never for real data. Set BANGNI_AUDIT_KEY (openssl rand -base64 32). !!!',
  );
  return DEVELOPMENT_AUDIT_KEY;
}

/** BANGNI_ANCHOR_KEY: an Ed25519 private key, PEM or base64 PKCS#8 DER; demo mode: the development key pair, loudly. */
export function loadAnchorKey(env: { BANGNI_ANCHOR_KEY?: string }, opts: Warn): KeyObject {
  const text = env.BANGNI_ANCHOR_KEY?.trim();
  if (text) {
    let key: KeyObject;
    try {
      key = text.includes('-----BEGIN')
        ? createPrivateKey({ key: text.replace(/\\n/g, '\n'), format: 'pem' })
        : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    } catch (err) {
      throw new Error('BANGNI_ANCHOR_KEY must be an Ed25519 private key, PEM or base64 PKCS#8 (e.g. `openssl genpkey -algorithm ed25519`).', { cause: err });
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`BANGNI_ANCHOR_KEY must be an Ed25519 key (got ${key.asymmetricKeyType}).`);
    if (keyFingerprint(key) === keyFingerprint(DEVELOPMENT_ANCHOR_KEY)) throw new Error('BANGNI_ANCHOR_KEY is the published development key; generate your own.');
    return key;
  }
  if (!opts.demo) throw new Error('BANGNI_DEMO=0 needs BANGNI_ANCHOR_KEY (an Ed25519 private key; e.g. `openssl genpkey -algorithm ed25519`). Refusing to start.');
  opts.warn('!!! WARNING: BANGNI_ANCHOR_KEY is not set: daily audit anchors are signed with the PUBLIC DEVELOPMENT KEY PAIR and prove nothing. Set BANGNI_ANCHOR_KEY (openssl genpkey -algorithm ed25519). !!!');
  return DEVELOPMENT_ANCHOR_KEY;
}

/** The public half of an anchor key, as the PEM auditors download. */
export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** SHA-256 of the public key's SPKI DER, hex: names the key that signed an anchor. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * The audit keys ride with the database handle. The chain is written by a dozen
 * functions that get only a transaction (a step's closing writes, a sweep, an
 * incident); the knex client's config object is shared by the handle and every
 * transaction made from it, so `createApp` registers the keys once and each
 * writer finds them from its `trx`. A handle with none registered (tests that
 * drive the engine without an app) uses the development keys.
 */
export interface AuditKeys {
  /** HMAC key of the event chain (BANGNI_AUDIT_KEY). */
  auditKey: Buffer;
  /** Ed25519 private key of the daily anchors (BANGNI_ANCHOR_KEY). */
  anchorKey: KeyObject;
}

const registered = new WeakMap<object, AuditKeys>();

export function useAuditKeys(db: Knex, keys: AuditKeys): void {
  registered.set(configOf(db), keys);
}

export function auditKeysOf(db: Knex | Knex.Transaction): AuditKeys {
  return registered.get(configOf(db)) ?? { auditKey: DEVELOPMENT_AUDIT_KEY, anchorKey: DEVELOPMENT_ANCHOR_KEY };
}

export function auditKeyOf(db: Knex | Knex.Transaction): Buffer {
  return auditKeysOf(db).auditKey;
}

function configOf(db: Knex | Knex.Transaction): object {
  return (db as unknown as { client: { config: object } }).client.config;
}
