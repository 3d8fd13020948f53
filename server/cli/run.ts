import { parseArgs } from 'node:util';
import { z } from 'zod';
import { checkConfig, ConfigError } from '../config/index.ts';
import { AppError } from '../errors/index.ts';
import { createAdmin, createAdminArgs } from './create-admin.ts';
import { doctor } from './doctor.ts';
import { exportArgs, exportCases } from './export-cases.ts';
import { migrate } from './migrate.ts';
import { verifyChainCommand } from './verify-chain.ts';
import { CliError, EXIT, type CliIo } from './io.ts';

export const USAGE = `usage: bangni <command> [options]

  migrate                                  apply pending migrations (creates the schema or embedded database)
  create-admin [--username U] [--password P]
                                           create an administrator account (password also from
                                           BANGNI_ADMIN_PASSWORD or stdin; at least 12 characters)
  verify-chain <caseNo>                    recompute a case's event chain: exit 0 intact, 2 broken
  export-cases --from YYYY-MM-DD --to YYYY-MM-DD [--region R]
                                           cases created on those days (UTC+8) as CSV on stdout, contacts masked
  doctor                                   check configuration, database, migrations, calendars, secrets

The database and keys come from the server's environment (DATABASE_URL, BANGNI_DB_SCHEMA,
BANGNI_DATA_DIR, BANGNI_SECRET_KEY, BANGNI_AUDIT_KEY …; README "Admin CLI").`;

/**
 * Runs one command and gives its exit code. Every failure a person can act on
 * (a bad option, an invalid environment, a missing case) is one sentence on
 * stderr and exit 1, never a stack trace.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    (command ? io.out : io.err)(USAGE);
    return command ? EXIT.OK : EXIT.FAILED;
  }
  try {
    switch (command) {
      case 'doctor':
        options(rest, {});
        return await doctor(checkConfig(io.env), io);
      case 'migrate':
        options(rest, {});
        return await migrate(config(io), io);
      case 'create-admin': {
        const { values } = options(rest, { username: { type: 'string' }, password: { type: 'string' }, 'display-name': { type: 'string' } });
        return await createAdmin(config(io), checked(createAdminArgs, values), io);
      }
      case 'verify-chain': {
        const { positionals } = options(rest, {}, true);
        if (positionals.length !== 1) throw new CliError('verify-chain takes one case number, e.g. `bangni verify-chain YQ20270104000001`');
        return await verifyChainCommand(config(io), positionals[0]!, io);
      }
      case 'export-cases': {
        const { values } = options(rest, { from: { type: 'string' }, to: { type: 'string' }, region: { type: 'string' } });
        return await exportCases(config(io), checked(exportArgs, values), io);
      }
      default:
        throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof CliError || err instanceof AppError) {
      io.err(`bangni ${command}: ${err.message}`);
      return EXIT.FAILED;
    }
    throw err;
  }
}

/** The server's configuration, refused as the server refuses it; its warnings on stderr, shorter than the server's. */
function config(io: CliIo) {
  const { config, problems, developmentKeys, unknown } = checkConfig(io.env);
  if (problems.length || !config) throw new ConfigError(problems);
  if (developmentKeys.length) io.err(`warning: ${developmentKeys.join(', ')} not set: demo mode uses the public development key${developmentKeys.length > 1 ? 's' : ''}`);
  if (unknown.length) io.err(`warning: unknown variable(s) ${unknown.join(', ')}`);
  return config;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function options(args: string[], spec: Options, allowPositionals = false) {
  try {
    return parseArgs({ args, options: spec, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function checked<S extends z.ZodType>(schema: S, values: unknown): z.infer<S> {
  const r = schema.safeParse(values);
  if (!r.success) throw new CliError(r.error.issues.map((i) => `--${i.path.join('.') || 'options'}: ${i.message}`).join('; '));
  return r.data;
}
