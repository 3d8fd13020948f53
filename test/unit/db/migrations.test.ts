import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateLatest, migrateRollbackAll, openDb, type Db } from '../../../server/db/index.ts';
import { lockDataDir } from '../../../server/db/lock.ts';
import { AppError } from '../../../server/errors/index.ts';
import { freshDb } from '../../support/db.ts';

async function tablesOf(db: Db): Promise<string[]> {
  const res = await db.knex.raw("select table_name from information_schema.tables where table_schema = ? and table_name not like 'knex_migrations%' order by 1", [db.schema]);
  return res.rows.map((r: { table_name: string }) => r.table_name);
}

describe('db: migrations', function () {
  let db: Awaited<ReturnType<typeof freshDb>>;
  before(async () => {
    db = await freshDb({ migrate: false });
  });
  after(async () => db?.drop());

  it('given an empty schema, when migrated up, rolled all the way down and up again, then each step works and a second migrate is a no-op', async () => {
    const files = fs.readdirSync(path.resolve(import.meta.dirname, '../../../migrations')).filter((f) => /^\d{14}_.*\.ts$/.test(f));
    const applied = await migrateLatest(db.knex, db.schema);
    expect(applied).to.have.length(files.length);
    const tables = await tablesOf(db);
    expect(tables).to.include.members(['regions', 'definitions', 'cases', 'tasks', 'case_events', 'timer_firings', 'users']);

    await migrateRollbackAll(db.knex, db.schema);
    expect(await tablesOf(db), 'tables left after rolling back all').to.deep.equal([]);
    const seq = await db.knex.raw("select count(*)::int as n from information_schema.sequences where sequence_schema = ? and sequence_name = 'case_no_seq'", [db.schema]);
    expect(seq.rows[0].n).to.equal(0);

    expect(await migrateLatest(db.knex, db.schema)).to.have.length(files.length);
    expect(await tablesOf(db)).to.deep.equal(tables);
    expect(await migrateLatest(db.knex, db.schema), 'second migrate').to.deep.equal([]);
  });

  it('given a database migrated from the sources, when the compiled build (npm start) migrates it, then nothing runs again: both record the .ts names', async function () {
    const compiled = path.resolve(import.meta.dirname, '../../../dist/server/db/migrate.js');
    if (!fs.existsSync(compiled)) {
      console.log('    (skipped: no compiled build in dist/ — `npm run build` makes it)');
      return this.skip();
    }
    const built = (await import(compiled)) as { migrateLatest: typeof migrateLatest; MIGRATIONS_DIR: string };
    expect(built.MIGRATIONS_DIR).to.match(/dist[/\\]migrations$/);
    expect(await built.migrateLatest(db.knex, db.schema), 'the build re-ran migrations the sources applied').to.deep.equal([]);
    const names = (await db.knex.withSchema(db.schema).table('knex_migrations').pluck('name')) as string[];
    expect(names.length).to.be.greaterThan(0);
    expect(names.every((n) => n.endsWith('.ts'))).to.equal(true);
  });
});

describe('db: the PGlite data directory lock', function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-lock-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function expectInUse(open: () => Promise<unknown> | unknown): Promise<void> {
    let caught: unknown = null;
    try {
      await open();
    } catch (err) {
      caught = err;
    }
    expect(caught, 'the second open was allowed').to.be.instanceOf(AppError);
    expect((caught as AppError).code).to.equal('data_dir_in_use');
  }

  it('given an open data directory, when it is opened a second time, then data_dir_in_use; after closing it opens again', async function () {
    this.timeout(60_000);
    const first = await openDb({ dataDir: dir });
    try {
      await first.knex.raw('select 1');
      await expectInUse(() => openDb({ dataDir: dir }));
      await expectInUse(() => openDb({ dataDir: `${dir}${path.sep}.` }));
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(dir, 'bangni.pid')), 'pid file left after close').to.equal(false);
    const again = await openDb({ dataDir: dir });
    await again.knex.raw('select 1');
    await again.close();
  });

  it('given another live process holds the directory, when opened, then data_dir_in_use; a dead holder is taken over', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-lock-'));
    try {
      fs.writeFileSync(path.join(other, 'bangni.pid'), String(process.ppid));
      expect(() => lockDataDir(other)).to.throw(AppError).with.property('code', 'data_dir_in_use');

      // A pid that cannot be alive: the file of a killed process does not block.
      fs.writeFileSync(path.join(other, 'bangni.pid'), '2147483646');
      const unlock = lockDataDir(other);
      expect(fs.readFileSync(path.join(other, 'bangni.pid'), 'utf8')).to.equal(String(process.pid));
      unlock();
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
