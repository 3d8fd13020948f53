import { z } from 'zod';
import { createUser, newUserSchema } from '../auth/index.ts';
import { ADMIN_PASSWORD_MIN, type Config } from '../config/index.ts';
import { withDatabase } from './database.ts';
import { CliError, EXIT, type CliIo } from './io.ts';

export const createAdminArgs = z.object({
  username: z.string().default('admin'),
  password: z.string().optional(),
  'display-name': z.string().default('系统管理员'),
});

/**
 * `bangni create-admin [--username U] [--password P]`: an administrator
 * account, for a production database that seeds none. The password comes from
 * --password, else BANGNI_ADMIN_PASSWORD, else stdin (`--password` shows in
 * the process list: prefer a pipe). It must pass the checks the app applies
 * to a new account (newUserSchema) and to BANGNI_ADMIN_PASSWORD (at least 12
 * characters, never the demo password).
 */
export async function createAdmin(config: Config, args: z.infer<typeof createAdminArgs>, io: CliIo): Promise<number> {
  const password = args.password ?? config.adminPassword ?? (await io.stdin())?.replace(/\r?\n$/, '');
  if (!password) throw new CliError('no password: give --password, set BANGNI_ADMIN_PASSWORD, or pipe it on stdin');
  if (password.toLowerCase() === 'demo') throw new CliError('the password is the demo accounts\' password "demo": choose one of your own');
  if (password.length < ADMIN_PASSWORD_MIN) throw new CliError(`the password must have at least ${ADMIN_PASSWORD_MIN} characters, as BANGNI_ADMIN_PASSWORD`);
  const input = newUserSchema.safeParse({ username: args.username, password, displayName: args['display-name'], role: 'admin', region: null, groups: [] });
  if (!input.success) throw new CliError(input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  const user = await withDatabase(config, (db) => createUser(db.knex, io.clock.now(), input.data));
  io.out(`created the administrator account "${user.username}"`);
  return EXIT.OK;
}
