import { expect } from 'chai';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { checkConfig, ConfigError, loadConfig } from '../../../server/config/index.ts';
import { DEVELOPMENT_KEY } from '../../../server/crypto/index.ts';
import { DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_ANCHOR_KEY, keyFingerprint } from '../../../server/audit/index.ts';
import { DEFAULT_LIMITS } from '../../../server/throttle/index.ts';

/** A production environment with keys of its own. */
function production(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    BANGNI_DEMO: '0',
    BANGNI_SECRET_KEY: randomBytes(32).toString('base64'),
    BANGNI_AUDIT_KEY: randomBytes(32).toString('hex'),
    BANGNI_ANCHOR_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ...extra,
  };
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('configuration: one schema over the environment', () => {
  it('given nothing set, reads demo mode with every default and the development keys, with a warning each', () => {
    const warnings: string[] = [];
    const c = loadConfig({}, (w) => warnings.push(w));
    expect(c.demo).to.equal(true);
    expect(c.port).to.equal(3000);
    expect(c.database).to.deep.include({ url: undefined, schema: undefined, poolMax: 10, readPoolMax: 10 });
    expect(path.basename(c.database.dataDir)).to.equal('data');
    expect(c.shutdownMs).to.equal(10_000);
    expect(c.throttle).to.deep.equal({});
    expect(c.trustProxy).to.equal(false);
    expect(c.engine).to.deep.equal({});
    expect(c.caseLimits).to.deep.equal({});
    expect(c.secretKey!.equals(DEVELOPMENT_KEY)).to.equal(true);
    expect(c.auditKey!.equals(DEVELOPMENT_AUDIT_KEY)).to.equal(true);
    expect(keyFingerprint(c.anchorKey!)).to.equal(keyFingerprint(DEVELOPMENT_ANCHOR_KEY));
    expect(warnings.join('\n')).to.match(/BANGNI_SECRET_KEY is not set/).and.match(/BANGNI_AUDIT_KEY is not set/).and.match(/BANGNI_ANCHOR_KEY is not set/);
  });

  it('reads a flag as 0/1, true/false, yes/no, on/off in any case: BANGNI_DEMO=false turns demo mode off', () => {
    for (const off of ['0', 'false', 'FALSE', 'no', 'No', 'off']) expect(loadConfig(production({ BANGNI_DEMO: off })).demo, off).to.equal(false);
    for (const on of ['1', 'true', 'True', 'yes', 'ON']) expect(loadConfig({ BANGNI_DEMO: on }).demo, on).to.equal(true);
    expect(loadConfig({ BANGNI_THROTTLE: 'off' }).throttle).to.equal(false);
    expect(loadConfig({ BANGNI_THROTTLE: 'false' }).throttle).to.equal(false);
    // A blank value is the default, not "off".
    expect(loadConfig({ BANGNI_DEMO: '' }).demo).to.equal(true);
  });

  it('refuses a flag that is none of those forms, naming the variable and the accepted forms', () => {
    expect(problemsOf({ BANGNI_DEMO: 'maybe' })).to.deep.equal(['BANGNI_DEMO must be 1/0, true/false, yes/no or on/off (got "maybe")']);
    expect(problemsOf({ BANGNI_LOG_LEVEL: 'loud' })).to.deep.equal(['BANGNI_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")']);
    expect(loadConfig({ BANGNI_LOG_LEVEL: 'debug' }).logLevel).to.equal('debug');
  });

  it('checks ports, pool sizes and every bounded number, and reports all problems together', () => {
    const problems = problemsOf({ PORT: '70000', BANGNI_POOL_MAX: '0', BANGNI_READ_POOL_MAX: 'ten', BANGNI_STEP_TIMEOUT_MS: '1.5', BANGNI_RETENTION_DAYS: '7', BANGNI_SHUTDOWN_MS: '-1' });
    expect(problems).to.deep.equal([
      'PORT must be a whole number from 0 to 65535 (got "70000")',
      'BANGNI_POOL_MAX must be a whole number from 1 to 1000 (got "0")',
      'BANGNI_READ_POOL_MAX must be a whole number from 1 to 1000 (got "ten")',
      'BANGNI_STEP_TIMEOUT_MS must be a whole number from 100 to 600000 (got "1.5")',
      'BANGNI_RETENTION_DAYS must be a whole number from 30 to 36500 (got "7")',
      'BANGNI_SHUTDOWN_MS must be a whole number from 100 to 600000 (got "-1")',
    ]);
  });

  it('reads the engine budgets, case limits, pools, trust proxy and throttle rules into the app\'s options', () => {
    const c = loadConfig({
      PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/bangni', DATABASE_READ_URL: 'postgresql://u:p@replica/bangni', BANGNI_DB_SCHEMA: 'node_a',
      BANGNI_POOL_MAX: '20', BANGNI_ENGINE_WORKERS: '2', BANGNI_STEP_TIMEOUT_MS: '5000', BANGNI_TIMER_MIN_MS: '1000', BANGNI_TIMERS_PER_HOUR: '10',
      BANGNI_TRUST_PROXY: 'loopback, 10.0.0.0/8', BANGNI_LIMIT_TRACK_IP: '120/1m', BANGNI_SHUTDOWN_MS: '3000', BANGNI_NODE: 'node-a',
    });
    expect(c.port).to.equal(8080);
    expect(c.database).to.deep.include({ url: 'postgres://u:p@db:5432/bangni', readUrl: 'postgresql://u:p@replica/bangni', schema: 'node_a', poolMax: 20, readPoolMax: 20 });
    expect(c.engine.workers).to.equal(2);
    expect(c.engine.stepTimeoutMs).to.equal(5000);
    expect(c.engine.timerPolicy!.minPeriodMs).to.equal(1000);
    expect(c.caseLimits).to.deep.equal({ timersPerHour: 10 });
    expect(c.trustProxy).to.equal('loopback,10.0.0.0/8');
    expect(loadConfig({ BANGNI_TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ BANGNI_TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
    expect(c.throttle).to.deep.equal({ trackIp: { limit: 120, windowMs: 60_000 } });
    expect(c.shutdownMs).to.equal(3000);
    expect(c.node).to.equal('node-a');
    expect(DEFAULT_LIMITS.trackIp.limit).to.not.equal(120);
  });

  it('refuses malformed URLs, schema names, limits and keys without echoing secrets', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://root:hunter2@db/x', BANGNI_DB_SCHEMA: 'Robert"; drop', BANGNI_LIMIT_INTAKE_IP: '30 per hour',
      BANGNI_SECRET_KEY: 'hunter2', BANGNI_TRUST_PROXY: 'everyone',
    });
    expect(problems).to.have.length(5);
    expect(problems[0]).to.match(/^DATABASE_URL must be a PostgreSQL URL/);
    expect(problems[1]).to.match(/^BANGNI_DB_SCHEMA must be a schema name/);
    expect(problems[2]).to.match(/^BANGNI_TRUST_PROXY must be true\/false, a number of proxy hops/);
    expect(problems[3]).to.match(/^BANGNI_LIMIT_INTAKE_IP must be <count>\/<window>/);
    expect(problems[4]).to.match(/^BANGNI_SECRET_KEY must be 32 bytes/);
    expect(problems.join('\n')).to.not.include('hunter2');
  });

  it('needs DATABASE_URL for DATABASE_READ_URL', () => {
    expect(problemsOf({ DATABASE_READ_URL: 'postgres://replica/bangni' })).to.deep.equal(['DATABASE_READ_URL needs DATABASE_URL: a replica of the embedded PGlite does not exist']);
  });

  it('given demo mode off, refuses the demo defaults: no secret, audit or anchor key, the published keys, the password "demo"', () => {
    const problems = problemsOf({ BANGNI_DEMO: 'false', BANGNI_ADMIN_PASSWORD: 'demo' });
    expect(problems).to.have.length(4);
    expect(problems[0]).to.match(/^BANGNI_ADMIN_PASSWORD is the demo accounts' password/);
    expect(problems.slice(1).join('\n')).to.match(/needs BANGNI_SECRET_KEY/).and.match(/needs BANGNI_AUDIT_KEY/).and.match(/needs BANGNI_ANCHOR_KEY/);
    expect(problemsOf(production({ BANGNI_SECRET_KEY: DEVELOPMENT_KEY.toString('hex') }))).to.deep.equal(['BANGNI_SECRET_KEY is the published development key; generate your own.']);
    expect(problemsOf(production({ BANGNI_ADMIN_PASSWORD: 'short' }))).to.deep.equal(['BANGNI_ADMIN_PASSWORD must have at least 12 characters']);
    const c = loadConfig(production({ BANGNI_ADMIN_PASSWORD: 'a long admin password' }));
    expect(c.demo).to.equal(false);
    expect(c.secretKey!.equals(DEVELOPMENT_KEY)).to.equal(false);
    expect(c.adminPassword).to.equal('a long admin password');
  });

  it('warns about BANGNI_* names it does not know (a typo would otherwise be a silent default)', () => {
    const { problems, warnings } = checkConfig({ BANGNI_DEMOO: '0' });
    expect(problems).to.deep.equal([]);
    expect(warnings.at(-1)).to.match(/unknown variable BANGNI_DEMOO/);
  });
});
