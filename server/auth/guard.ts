import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { AppError } from '../errors/index.ts';
import type { Role, User } from './roles.ts';
import { userForToken } from './tokens.ts';
import { AUTH_CHANNEL, TokenCache } from './token-cache.ts';
import { caseAccess, taskAccess } from './record-access.ts';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
  }
}

const unauthenticated = () => new AppError('unauthenticated', 'Log in first (Authorization: Bearer <token>).', { status: 401 });
const forbidden = (msg: string) => new AppError('forbidden', msg, { status: 403 });

/**
 * The one place that decides who may do what: every route names the roles it
 * allows, and every region a request names or touches goes through `checkRegion`.
 */
export interface Guard {
  authenticate: RequestHandler;
  require(...roles: Role[]): RequestHandler;
  /** Throws 403 unless the user may act in this region (admin: every region). */
  checkRegion(req: Request, regionId: string, opts?: { allowDefault?: boolean }): void;
  /** Like checkRegion, but answers 404 so a record of another region is not even confirmed to exist. */
  hideOtherRegion(req: Request, regionId: string, what: string, id: unknown): void;
  /**
   * A case (by id) the user may see: 404 when it does not exist or is of another region, 403
   * when the user is a handler whose units were never offered one of its tasks.
   */
  checkCase(req: Request, caseId: number): Promise<void>;
  /** A task (by id) the user may see: 404 as above; 403 for a handler it is not offered to and who never worked it. */
  checkTask(req: Request, taskId: number): Promise<void>;
  /** Regions the user may read: a list, or 'all' for admin. */
  regions(req: Request): string[] | 'all';
  homeRegion(req: Request): string | undefined;
  /** A token was logged out, or a user changed (deactivated, new password, role, groups): no node may go on believing it. */
  revoked(what: { tokenHash?: string; userId?: number }): Promise<void>;
  /** Follows other nodes' revocations (NOTIFY on AUTH_CHANNEL). */
  follow(listen: (channel: string, onMessage: (payload: string) => void) => Promise<unknown>): Promise<void>;
  actor(req: Request): string;
  user(req: Request): User;
}

export function createGuard(knex: Knex, clock: Clock, opts: { notify?: (channel: string, payload: string) => Promise<void>; cacheSize?: number } = {}): Guard {
  const cache = new TokenCache(clock, opts.cacheSize);
  const user = (req: Request): User => {
    if (!req.user) throw unauthenticated();
    return req.user;
  };
  const mayUse = (u: User, regionId: string, allowDefault = false) =>
    u.role === 'admin' || u.regionId === regionId || (allowDefault && regionId === 'default');
  return {
    authenticate: async (req, _res, next) => {
      const header = req.headers.authorization;
      if (header?.startsWith('Bearer ')) {
        const found = await userForToken(knex, clock.now(), header.slice(7).trim(), cache);
        if (!found) return next(new AppError('token_invalid', 'The login has expired or is not valid; log in again.', { status: 401 }));
        req.user = found;
      }
      next();
    },
    require:
      (...roles) =>
      (req, _res, next) => {
        if (!req.user) return next(unauthenticated());
        if (!roles.includes(req.user.role)) return next(forbidden(`This needs one of the roles: ${roles.join(', ')}.`));
        next();
      },
    checkRegion(req, regionId, opts = {}) {
      if (!mayUse(user(req), regionId, opts.allowDefault)) throw forbidden(`You may not act in region ${regionId}.`);
    },
    hideOtherRegion(req, regionId, what, id) {
      if (!mayUse(user(req), regionId)) throw new AppError('not_found', `${what} ${String(id)} was not found.`, { status: 404 });
    },
    async checkCase(req, caseId) {
      const u = user(req);
      const access = await caseAccess(knex, caseId, u);
      if (!access || !mayUse(u, access.regionId)) throw new AppError('not_found', `Case ${caseId} was not found.`, { status: 404 });
      if (!access.involved) throw forbidden('This case was not given to your unit: none of its tasks is offered to your groups or to you.');
    },
    async checkTask(req, taskId) {
      const u = user(req);
      const access = await taskAccess(knex, taskId, u);
      if (!access || !mayUse(u, access.regionId)) throw new AppError('not_found', `Task ${taskId} was not found.`, { status: 404 });
      if (!access.involved) throw forbidden('This task is not offered to you or your groups, and you have not worked on it.');
    },
    regions(req) {
      const u = user(req);
      return u.role === 'admin' ? 'all' : [u.regionId!];
    },
    homeRegion(req) {
      return user(req).regionId ?? undefined;
    },
    async revoked({ tokenHash, userId }) {
      if (tokenHash) cache.forgetToken(tokenHash);
      if (userId !== undefined) cache.forgetUser(userId);
      const payload = tokenHash ? `token:${tokenHash}` : `user:${userId}`;
      await opts.notify?.(AUTH_CHANNEL, payload).catch(() => undefined);
    },
    async follow(listen) {
      await listen(AUTH_CHANNEL, (payload) => cache.apply(payload));
    },
    actor(req) {
      return req.user?.username ?? 'citizen';
    },
    user,
  };
}
