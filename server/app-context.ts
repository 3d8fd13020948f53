import type { Knex } from 'knex';
import type { Clock } from './clock/index.ts';
import type { Guard } from './auth/index.ts';
import type { CaseRuntime } from './cases/index.ts';
import type { Sealer } from './crypto/index.ts';
import type { ReadRouting } from './db/index.ts';
import type { Throttle } from './throttle/index.ts';
import type { RegionRules } from './rules/index.ts';
import type { Logger, LogScope } from './log/index.ts';

/** What routers receive: built once by createApp. */
export interface AppContext {
  knex: Knex;
  clock: Clock;
  auth: Guard;
  runtime: CaseRuntime;
  /** One line at info (warn/error when it starts "warning:"/"error:"), with the request's scope; prefer `logger` for new code. */
  log: (msg: string) => void;
  /** The app's pino logger (server/log): JSON lines with node, and reqId/caseId/taskId/region when known. */
  logger: Logger;
  /** The scope of the request at work: `fill({ caseId })` names the case on every later line of it. */
  logScope: LogScope;
  /** Seals and hashes citizens' personal data (server/crypto). */
  sealer: Sealer;
  /** Where read-heavy endpoints read: `ctx.read.reader(req)` is the replica, or the primary for a user's own recent writes. */
  read: ReadRouting;
  /** Login lockouts and request limits of the public routes (server/throttle). */
  throttle: Throttle;
  /** Each region's side-task rules and 三率 definitions (server/rules). */
  rules: RegionRules;
}
