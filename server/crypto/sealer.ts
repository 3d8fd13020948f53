import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Seals and opens personal data; hashes it for exact lookup without decrypting. */
export interface Sealer {
  /** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url; a new random IV every time. */
  seal(plain: string): string;
  open(sealed: string): string;
  /** HMAC-SHA256 under a key derived for `purpose` (e.g. "phone"): equal inputs give equal hashes. */
  hash(purpose: string, value: string): string;
  /** Constant-time check of a value against a stored hash. */
  matches(purpose: string, value: string, stored: string | null | undefined): boolean;
  /** Whether this sealer uses the public development key. */
  readonly development: boolean;
}

/**
 * Builds a sealer from one 32-byte master key. The encryption and hashing keys
 * are derived separately (HKDF), so a hash never helps to decrypt and the
 * master key is never used directly.
 */
export function createSealer(master: Buffer, opts: { development?: boolean } = {}): Sealer {
  if (master.length !== 32) throw new Error('the secret key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `bangni:${info}`, 32));
  const encKey = derive('seal:v1');
  const macKeys = new Map<string, Buffer>();
  const macKey = (purpose: string) => {
    let k = macKeys.get(purpose);
    if (!k) macKeys.set(purpose, (k = derive(`hash:${purpose}`)));
    return k;
  };
  const hash = (purpose: string, value: string) => createHmac('sha256', macKey(purpose)).update(value, 'utf8').digest('hex');
  return {
    development: Boolean(opts.development),
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    hash,
    matches(purpose, value, stored) {
      if (!stored) return false;
      const a = Buffer.from(hash(purpose, value), 'hex');
      const b = Buffer.from(stored, 'hex');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
