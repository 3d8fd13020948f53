import { systemClock } from '../clock/index.ts';
import { runCli } from './run.ts';
import type { CliIo } from './io.ts';

/** The admin CLI's process: real streams, the real clock. `bin/bangni.mjs` loads this file. */
const io: CliIo = {
  env: process.env,
  clock: systemClock,
  out: (line) => process.stdout.write(`${line}\n`),
  write: (chunk) => new Promise((resolve) => (process.stdout.write(chunk) ? resolve() : process.stdout.once('drain', () => resolve()))),
  err: (line) => process.stderr.write(`${line}\n`),
  async stdin() {
    if (process.stdin.isTTY) return null;
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text;
  },
};

runCli(process.argv.slice(2), io).then(
  (code) => exit(code),
  (err) => {
    // A ConfigError lists every problem; anything else unexpected is still one message, no stack trace.
    process.stderr.write(`bangni: ${err instanceof Error ? err.message : String(err)}\n`);
    exit(1);
  },
);

/** Exits once stdout has taken everything (a CSV piped to a slow reader); a handle left open does not keep the process. */
function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}
