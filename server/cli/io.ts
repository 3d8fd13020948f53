import type { Clock } from '../clock/index.ts';

/** What a command may touch: its streams, the environment and the clock, handed in so each command is a plain function. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** One line of the command's result (stdout). */
  out(line: string): void;
  /** Raw output (stdout), e.g. CSV; resolves once the stream takes more. */
  write(chunk: string): Promise<void>;
  /** One line of diagnostics (stderr): warnings, progress, errors. */
  err(line: string): void;
  /** Everything piped on stdin; null when stdin is a terminal (nothing piped). */
  stdin(): Promise<string | null>;
}

/** Exit codes (verify-chain adds BROKEN). */
export const EXIT = { OK: 0, FAILED: 1, BROKEN: 2 } as const;

/** A failure the command explains in one sentence (no stack trace): printed on stderr, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
