import { AppError } from '../errors/index.ts';
import { loadSecretKey } from '../crypto/index.ts';
import { loadAnchorKey, loadAuditKey } from '../audit/index.ts';
import { CONFIG_VARIABLES, demoFlag, envSchema, type Config } from './schema.ts';

/** Every problem of the environment at once, each naming its variable; `main.ts` prints the message and exits 1. */
export class ConfigError extends AppError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('config_invalid', `The configuration is not valid (README "Configuration"):\n${problems.map((p) => `  - ${p}`).join('\n')}`, { status: 500 });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface ConfigCheck {
  /** The configuration, when every variable has its form (it may still break the production rules in `problems`). */
  config: Config | null;
  problems: string[];
  /** Demo fallbacks to the development keys (loudly, one each), unknown BANGNI_* names. */
  warnings: string[];
  /** The key variables that fell back to a published development key (demo mode). */
  developmentKeys: string[];
  /** BANGNI_* variables no part of Bangni reads. */
  unknown: string[];
}

/**
 * Reads and checks the whole environment, collecting every problem rather than
 * stopping at the first: an operator fixing a deployment sees all of them in
 * one start. The admin CLI's `doctor` reports them as a check; `loadConfig`
 * refuses them.
 *
 * A production start (demo off) refuses the demo defaults: without
 * BANGNI_SECRET_KEY, BANGNI_AUDIT_KEY and BANGNI_ANCHOR_KEY it would seal
 * contact data and key the audit chain with keys published in this source.
 * In demo mode those fall back to the development keys, with a warning each.
 */
export function checkConfig(env: NodeJS.ProcessEnv): ConfigCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const developmentKeys: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(named(String(issue.path[0] ?? 'environment'), issue.message));
  }
  const config = parsed.success ? parsed.data : null;
  if (config?.database.readUrl && !config.database.url) {
    problems.push('DATABASE_READ_URL needs DATABASE_URL: a replica of the embedded PGlite does not exist');
  }
  // The production rules, even when another variable is malformed: the operator sees every problem in one start.
  const demo = config?.demo ?? demoFlag.safeParse(env.BANGNI_DEMO).data;
  if (demo !== undefined) {
    const opts = { demo, warn: (m: string) => warnings.push(m) };
    // The loaders give the development key (and a warning) in demo mode, and refuse with the variable's name otherwise.
    const unset = (name: string) => !env[name]?.trim();
    const fallback = <T>(name: string, load: () => T): T | undefined => {
      if (!unset(name)) return undefined;
      try {
        const key = load();
        developmentKeys.push(name);
        return key;
      } catch (err) {
        problems.push((err as Error).message);
        return undefined;
      }
    };
    const secretKey = fallback('BANGNI_SECRET_KEY', () => loadSecretKey({}, opts));
    const auditKey = fallback('BANGNI_AUDIT_KEY', () => loadAuditKey({}, opts));
    const anchorKey = fallback('BANGNI_ANCHOR_KEY', () => loadAnchorKey({}, opts));
    if (config) {
      config.secretKey ??= secretKey;
      config.auditKey ??= auditKey;
      config.anchorKey ??= anchorKey;
    }
  }
  const unknown = Object.keys(env).filter((k) => k.startsWith('BANGNI_') && !CONFIG_VARIABLES.includes(k));
  if (unknown.length) warnings.push(`unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.sort().join(', ')} (a typo? README "Configuration" lists every variable)`);
  return { config, problems, warnings, developmentKeys, unknown };
}

/** The configuration, or a ConfigError listing every problem. Warnings go to `warn`. */
export function loadConfig(env: NodeJS.ProcessEnv, warn: (msg: string) => void = () => undefined): Config {
  const { config, problems, warnings } = checkConfig(env);
  if (problems.length || !config) throw new ConfigError(problems);
  for (const w of warnings) warn(w);
  return config;
}

/** "NAME: message", unless the message (from an existing parser) already starts with the name. */
function named(variable: string, message: string): string {
  return message.startsWith(variable) ? message : `${variable} ${message}`;
}
