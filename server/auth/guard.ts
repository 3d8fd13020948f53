import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { Clock } from '../clock/index.ts';
import { AppError } from '../errors/index.ts';
import type { Role, User } from './roles.ts';
import { userForToken } from './tokens.ts';

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
  /** Regions the user may read: a list, or 'all' for admin. */
  regions(req: Request): string[] | 'all';
  homeRegion(req: Request): string | undefined;
  actor(req: Request): string;
  user(req: Request): User;
}

export function createGuard(knex: Knex, clock: Clock): Guard {
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
        const found = await userForToken(knex, clock.now(), header.slice(7).trim());
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
    regions(req) {
      const u = user(req);
      return u.role === 'admin' ? 'all' : [u.regionId!];
    },
    homeRegion(req) {
      return user(req).regionId ?? undefined;
    },
    actor(req) {
      return req.user?.username ?? 'citizen';
    },
    user,
  };
}
