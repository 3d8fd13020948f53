import { migrationStatus, type Db } from '../db/index.ts';
import { SlaConfigCache, localDay } from '../sla/index.ts';
import type { ConfigCheck } from '../config/index.ts';
import { openDatabase } from './database.ts';
import { EXIT, type CliIo } from './io.ts';

const SECRETS = ['BANGNI_SECRET_KEY', 'BANGNI_AUDIT_KEY', 'BANGNI_ANCHOR_KEY'];
/** How long the database may take to answer before it counts as unreachable. */
const DATABASE_WAIT_MS = 10_000;

/**
 * `bangni doctor`: is this node fit to run? One line per check, `ok` or
 * `FAIL`, exit 1 if any fails (pg-boss's doctor): the configuration, the
 * database reachable, its migrations current, this year's and next year's
 * holiday calendar loaded for every region (due times in a year without one
 * are provisional), the secrets set. It only reads: it creates no database,
 * schema or table.
 */
export async function doctor(check: ConfigCheck, io: CliIo): Promise<number> {
  let failed = 0;
  const line = (ok: boolean, name: string, detail: string) => {
    if (!ok) failed += 1;
    io.out(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  };
  const { config } = check;
  if (check.problems.length) for (const p of check.problems) line(false, 'configuration', p);
  else line(true, 'configuration', `${config!.demo ? 'demo mode' : 'production (BANGNI_DEMO off)'}; ${where(config!)}`);

  let db: Db | null = null;
  if (!config) line(false, 'database', 'not checked: the configuration is not valid');
  else {
    try {
      db = await withTimeout(openDatabase(config), DATABASE_WAIT_MS);
      await withTimeout(db.knex.raw('select 1'), DATABASE_WAIT_MS);
      line(true, 'database', `reachable (${where(config)})`);
    } catch (err) {
      line(false, 'database', (err as Error).message);
      await db?.close().catch(() => undefined);
      db = null;
    }
  }
  try {
    const current = db ? await migrations(db, line) : (line(false, 'migrations', 'not checked: no database'), false);
    if (db && current) await calendars(db, io.clock.now(), line);
    else line(false, 'calendar', `not checked: ${db ? 'the migrations are not current' : 'no database'}`);
  } finally {
    await db?.close();
  }
  secrets(check, io.env, line);
  return failed ? EXIT.FAILED : EXIT.OK;
}

type Line = (ok: boolean, name: string, detail: string) => void;

async function migrations(db: Db, line: Line): Promise<boolean> {
  const { applied, pending, unknown } = await migrationStatus(db.knex, db.schema);
  if (pending.length) line(false, 'migrations', `${pending.length} pending (${pending[0]}${pending.length > 1 ? ' …' : ''}): run \`bangni migrate\``);
  else if (unknown.length) line(false, 'migrations', `the database has ${unknown.length} migration(s) this code does not know (${unknown[0]}): it is newer than this code`);
  else line(true, 'migrations', `current (${applied.length} applied)`);
  return pending.length === 0;
}

/** Each region's calendar is `default`'s plus its own: a year is loaded for it when either has it. */
async function calendars(db: Db, now: Date, line: Line): Promise<void> {
  const cache = new SlaConfigCache();
  await cache.reload(db.knex);
  const regions: string[] = await db.knex('regions').orderBy('id').pluck('id');
  const missing = new Map<number, string[]>();
  let next = 0;
  for (const region of regions) {
    const cal = cache.calendar(region);
    const year = Number(localDay(now, cal.offsetMinutes).slice(0, 4));
    next = year + 1;
    for (const y of [year, year + 1]) if (!cal.years.has(y)) missing.set(y, [...(missing.get(y) ?? []), region]);
  }
  if (!missing.size) {
    line(true, 'calendar', `${next - 1} and ${next} loaded for all ${regions.length} regions`);
    return;
  }
  for (const [year, which] of missing) {
    const whom = which.length === regions.length ? 'any region' : which.join(', ');
    line(false, 'calendar', `${year} not loaded for ${whom}: due times in ${year} are provisional; load the State Council's arrangement with PUT /api/v1/calendar/default/${year}`);
  }
}

function secrets(check: ConfigCheck, env: NodeJS.ProcessEnv, line: Line): void {
  const unset = SECRETS.filter((n) => !env[n]?.trim());
  const invalid = SECRETS.filter((n) => !unset.includes(n) && check.problems.some((p) => p.startsWith(n)));
  const demo = check.config?.demo ?? true;
  if (unset.length) line(false, 'secrets', `${unset.join(', ')} not set: ${demo ? 'demo mode uses the public development keys' : 'a production start is refused'}`);
  if (invalid.length) line(false, 'secrets', `${invalid.join(', ')} set but not valid (see configuration)`);
  if (!unset.length && !invalid.length) line(true, 'secrets', `${SECRETS.join(', ')} set`);
}

function where(config: NonNullable<ConfigCheck['config']>): string {
  const d = config.database;
  return d.url ? `PostgreSQL, schema ${d.schema ?? 'public'}` : `embedded PGlite in ${d.dataDir}${d.schema ? `, schema ${d.schema}` : ''}`;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
