/** The admin CLI (`npx bangni …`, README "Admin CLI"): one file per command; main.ts is the process. */
export { runCli, USAGE } from './run.ts';
export type { CliIo } from './io.ts';
export { EXIT, CliError } from './io.ts';
