import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';

/** Header with which a client asks for a read from the primary (no replica lag). */
export const CONSISTENT_HEADER = 'x-bangni-consistent';

export interface ReadRouting {
  /** Whether a replica is configured at all. */
  readonly replicated: boolean;
  /** The database a read-heavy endpoint (task lists, reports, metrics) should read from for this request. */
  reader(req: Request): Knex;
  /** Middleware (after authentication): a user's successful write routes that user's reads to the primary for a while. */
  noteWrite: RequestHandler;
}

/**
 * Reads from a streaming replica (`DATABASE_READ_URL`), with "read your own
 * writes": a replica lags the primary by a little, so a task a user has just
 * completed could still show as open there. After any successful write by a
 * user, this node sends that user's reads to the primary for `windowMs`; a
 * client (or a load balancer without sticky sessions) can also send
 * `X-Bangni-Consistent: 1` to read from the primary. Without a replica every
 * read goes to the primary.
 */
export function createReadRouting(opts: { primary: Knex; replica?: Knex | null; windowMs?: number }): ReadRouting {
  const { primary, replica } = opts;
  const windowMs = opts.windowMs ?? 5000;
  const recentWriters = new Map<string, number>();
  const now = () => performance.now(); // lag bookkeeping, not domain time

  return {
    replicated: Boolean(replica),
    reader(req) {
      if (!replica) return primary;
      if (req.headers[CONSISTENT_HEADER]) return primary;
      const who = req.user?.username;
      const until = who ? recentWriters.get(who) : undefined;
      if (until !== undefined) {
        if (until > now()) return primary;
        recentWriters.delete(who!);
      }
      return replica;
    },
    noteWrite(req, res, next) {
      if (replica && req.method !== 'GET' && req.method !== 'HEAD') {
        res.on('finish', () => {
          const who = req.user?.username;
          if (!who || res.statusCode >= 400) return;
          if (recentWriters.size > 10_000) for (const [k, t] of recentWriters) if (t <= now()) recentWriters.delete(k);
          recentWriters.set(who, now() + windowMs);
        });
      }
      next();
    },
  };
}
