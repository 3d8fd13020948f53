import type { Clock } from '../clock/index.ts';
import type { User } from './roles.ts';

/** Longest time a node believes a token without asking the database again. */
export const TOKEN_TRUST_MS = 10_000;
export const AUTH_CHANNEL = 'bangni_auth';

interface Entry {
  user: User;
  tokenExpiresAt: number;
  trustedUntil: number;
}

/**
 * Tokens checked in the last few seconds, so a request does not spend a round
 * trip to the database to learn who is asking (three per handled case in the
 * benchmark). Bounded in size and in time: an entry is believed for
 * TOKEN_TRUST_MS at most, by the injected clock, and never past the token's own
 * expiry. Logout, deactivation and a password change drop the user's entries on
 * this node at once and, by NOTIFY on AUTH_CHANNEL, on the other nodes; a node
 * that misses the notification stops believing a revoked token after
 * TOKEN_TRUST_MS anyway.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly max = 10_000,
  ) {}

  get(tokenHash: string): User | null {
    const e = this.entries.get(tokenHash);
    if (!e) return null;
    const now = this.clock.now().getTime();
    if (now >= e.trustedUntil || now >= e.tokenExpiresAt) {
      this.entries.delete(tokenHash);
      return null;
    }
    return e.user;
  }

  put(tokenHash: string, user: User, tokenExpiresAt: Date): void {
    if (this.max <= 0) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    // Shared by the requests that carry this token: frozen, so no handler can change it for the others.
    Object.freeze(user.groups);
    this.entries.set(tokenHash, { user: Object.freeze(user), tokenExpiresAt: tokenExpiresAt.getTime(), trustedUntil: this.clock.now().getTime() + TOKEN_TRUST_MS });
  }

  forgetToken(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  forgetUser(userId: number): void {
    for (const [k, e] of this.entries) if (e.user.id === userId) this.entries.delete(k);
  }

  /** A NOTIFY payload from another node: `token:<hash>` or `user:<id>`. */
  apply(payload: string): void {
    const [kind, value] = payload.split(':', 2);
    if (kind === 'token') this.forgetToken(value);
    else if (kind === 'user') this.forgetUser(Number(value));
    else this.entries.clear();
  }
}
