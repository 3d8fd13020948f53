/**
 * The environment, read and checked in one place (issue 14): one zod schema,
 * every problem reported together, demo defaults refused in production.
 */
export { checkConfig, loadConfig, ConfigError } from './load.ts';
export type { ConfigCheck } from './load.ts';
export { envSchema, CONFIG_VARIABLES, ADMIN_PASSWORD_MIN } from './schema.ts';
export type { Config } from './schema.ts';
export { FLAG_FORMS } from './fields.ts';
