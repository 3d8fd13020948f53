import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { AppError } from '../errors/index.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import type { User } from './roles.ts';
import type { TokenCache } from './token-cache.ts';

const TOKEN_TTL_MS = 12 * 60 * 60 * 1000; // one working day

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function userFromRow(row: Record<string, unknown>): User {
  return {
    id: Number(row.id),
    username: String(row.username),
    displayName: String(row.display_name),
    role: row.role as User['role'],
    regionId: (row.region_id as string | null) ?? null,
    groups: (row.groups as string[]) ?? [],
  };
}

/**
 * Checks a username and password and issues a bearer token. An unknown or
 * inactive username is checked against a dummy hash, so it costs the same
 * scrypt work as a known one (`verify` is injectable so a test can see that).
 */
export async function login(knex: Knex, now: Date, username: string, password: string, opts: { verify?: typeof verifyPassword } = {}): Promise<{ token: string; expiresAt: Date; user: User }> {
  const verify = opts.verify ?? verifyPassword;
  const row = await knex('users').where({ username, active: true }).first();
  const matches = await verify(password, row ? row.password_hash : await dummyPasswordHash());
  // The same message either way: a login form must not reveal which usernames exist.
  if (!row || !matches) {
    throw new AppError('login_failed', 'The username or password is wrong.', { status: 401 });
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS);
  await knex('auth_tokens').insert({ token_hash: sha256(token), user_id: row.id, created_at: now, expires_at: expiresAt });
  return { token, expiresAt, user: userFromRow(row) };
}

export async function userForToken(knex: Knex, now: Date, token: string, cache?: TokenCache): Promise<User | null> {
  const hash = sha256(token);
  const known = cache?.get(hash);
  if (known) return known;
  const row = await knex('auth_tokens as a')
    .join('users as u', 'u.id', 'a.user_id')
    .where('a.token_hash', hash)
    .where('a.expires_at', '>', now)
    .where('u.active', true)
    .first('u.*', 'a.expires_at as token_expires_at');
  if (!row) return null;
  const user = userFromRow(row);
  cache?.put(hash, user, new Date(row.token_expires_at));
  return user;
}

export async function logout(knex: Knex, token: string): Promise<string> {
  const hash = sha256(token);
  await knex('auth_tokens').where({ token_hash: hash }).delete();
  return hash;
}
