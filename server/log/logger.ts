import pino, { type DestinationStream, type Logger } from 'pino';
import { CENSOR, REDACT_PATHS, scrubText } from './redact.ts';
import { LogScope, type ScopeFields } from './scope.ts';

export type { Logger, DestinationStream };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const isLogLevel = (v: string): v is LogLevel => (LOG_LEVELS as readonly string[]).includes(v);

export interface LogOptions {
  /** This process's name (the app's `node`): on every line. */
  node: string;
  /** Default 'info'; 'silent' writes nothing (the test apps' default). */
  level?: LogLevel;
  /** Where JSON lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Human-readable lines through pino-pretty (main.ts: when stdout is a terminal); `destination` is then ignored. */
  pretty?: boolean;
}

/** The app's logging: built once (main.ts, or createApp's default), handed to every part. */
export interface Logs {
  /** JSON lines with `node`, and the scope (request id, case, task, region) of the work they are written in. */
  logger: Logger;
  /** The scope of the work in progress; `fill` it where a case or task becomes known. */
  scope: LogScope;
  /** The old one-string logging of `ctx.log`: info, or warn/error when the message starts by saying so. */
  log: (msg: string) => void;
}

/**
 * A pino logger for one app. Every line is one JSON object with `node`,
 * `time` (the wall clock of the write — not the injected Clock, which tests
 * hold still), and the fields of the current LogScope; secrets and personal
 * data are censored (redact.ts).
 */
export function createLogs(opts: LogOptions): Logs {
  const scope = new LogScope();
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { node: opts.node },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: errorForLog },
    hooks: {
      logMethod(args, method) {
        return method.apply(this, scrubArgs(args) as Parameters<typeof method>);
      },
    },
    mixin: (_obj, _level, logger) => scopeFields(scope.current(), logger),
  };
  const logger = opts.pretty
    ? pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', singleLine: true } } })
    : pino(options, opts.destination ?? pino.destination(1));
  return { logger, scope, log: (msg) => logger[levelOf(msg)](msg) };
}

/**
 * A destination that hands each line's message to `fn`: createApp's bridge for
 * callers that pass the old `log: (msg) => void` (tests that collect messages).
 */
export function messageDestination(fn: (msg: string) => void): DestinationStream {
  return {
    write(line: string) {
      let msg = line;
      try {
        msg = String(JSON.parse(line).msg ?? '');
      } catch {
        // not JSON: hand the line over as it is
      }
      fn(msg.replace(/\n$/, ''));
    },
  };
}

/**
 * The scope's fields a line does not carry already: a child logger bound with
 * `caseId` (or pino-http's `reqId`) would otherwise write the key twice.
 */
function scopeFields(fields: ScopeFields | undefined, logger: Logger): Record<string, unknown> {
  if (!fields) return {};
  const bound = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && !bound.includes(`"${k}":`)) out[k] = v;
  return out;
}

// The existing call sites say their level in their first word ("error: …", "warning: …", "SLA ALERT: …").
function levelOf(msg: string): 'error' | 'warn' | 'info' {
  if (/^error\b/i.test(msg)) return 'error';
  if (/^(warning|SLA ALERT)\b/i.test(msg)) return 'warn';
  return 'info';
}

/** Messages, format arguments and the string fields of a logged object, scrubbed (redaction covers keys, not text). */
function scrubArgs(args: unknown[]): unknown[] {
  return args.map((a) => {
    if (typeof a === 'string') return scrubText(a);
    if (a && typeof a === 'object' && !(a instanceof Error) && Object.getPrototypeOf(a) === Object.prototype) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(a)) copy[k] = typeof v === 'string' ? scrubText(v) : v;
      return copy;
    }
    return a;
  });
}

/**
 * An error as a log line shows it: type, code, message and stack, scrubbed,
 * and the messages of its causes. Never its other fields: an AppError's
 * `details` may quote what a citizen typed.
 */
function errorForLog(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubText(String(err)) };
  const causes: string[] = [];
  for (let c = err.cause, i = 0; c && i < 3; c = (c as Error).cause, i++) causes.push(scrubText((c as Error)?.message ?? String(c)));
  const { code } = err as { code?: unknown };
  return {
    type: err.name,
    ...(typeof code === 'string' && { code }),
    message: scrubText(err.message),
    ...(err.stack && { stack: scrubText(err.stack) }),
    ...(causes.length && { causes }),
  };
}
