import { createHash } from 'node:crypto';

/**
 * A fixed, public development key: anything sealed with it is readable by anyone
 * with this source. Only demo mode may fall back to it, and it says so loudly.
 */
export const DEVELOPMENT_KEY = createHash('sha256').update('bangni development key - not secret').digest();

/** Parses a 32-byte key given as 64 hex characters or base64 (44 characters). */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  const key = Buffer.from(t, 'base64');
  // Buffer.from ignores stray characters: re-encode to be sure the text was base64.
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== t.replace(/=+$/, '')) {
    throw new Error('BANGNI_SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -base64 32`).');
  }
  return key;
}

/**
 * The key that seals citizens' contact data: `BANGNI_SECRET_KEY`, or in demo
 * mode the development key with a warning. A production start (demo off)
 * without a real key is refused: encrypted data must never depend on a
 * published key.
 */
export function loadSecretKey(env: { BANGNI_SECRET_KEY?: string }, opts: { demo: boolean; warn: (msg: string) => void }): Buffer {
  if (env.BANGNI_SECRET_KEY) {
    const key = parseSecretKey(env.BANGNI_SECRET_KEY);
    if (key.equals(DEVELOPMENT_KEY)) throw new Error('BANGNI_SECRET_KEY is the published development key; generate your own.');
    return key;
  }
  if (!opts.demo) throw new Error('BANGNI_DEMO=0 needs BANGNI_SECRET_KEY (32 bytes, hex or base64; e.g. `openssl rand -base64 32`). Refusing to start.');
  opts.warn(
    '!!! WARNING: BANGNI_SECRET_KEY is not set: citizens\' phone and ID numbers are sealed with the PUBLIC DEVELOPMENT KEY. ' +
      'Fine for a demo, never for real data. Set BANGNI_SECRET_KEY (openssl rand -base64 32). !!!',
  );
  return DEVELOPMENT_KEY;
}
