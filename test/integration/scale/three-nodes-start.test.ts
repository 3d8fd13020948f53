import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect } from 'chai';
import { createApp, REPO_ROOT, type App } from '../../../server/app.ts';
import { ManualClock } from '../../../server/clock/index.ts';
import { migrateLatest, openDb, STARTUP_LOCK_CLASS, type Db } from '../../../server/db/index.ts';
import { REGIONS } from '../../../server/regions/index.ts';
import { onPostgres } from '../../support/db.ts';

const PROCESSES = path.join(REPO_ROOT, 'processes');
const MIGRATIONS = fs.readdirSync(path.join(REPO_ROOT, 'migrations')).filter((f) => /^\d{14}_[\w-]+\.ts$/.test(f)).sort();
const PROCESS_FILES = fs.readdirSync(PROCESSES).flatMap((region) =>
  fs.statSync(path.join(PROCESSES, region)).isDirectory() ? fs.readdirSync(path.join(PROCESSES, region)).filter((f) => f.endsWith('.bpmn')).map((f) => `${region}/${f}`) : [],
);
// Every region but `default` gets one user per demo role, plus `admin` (server/auth/seed.ts).
const DEMO_USERS = (REGIONS.length - 1) * 5 + 1;

interface Node {
  db: Db;
  app: App;
  logs: string[];
}

/**
 * Many Bangni nodes starting at once on one empty database (issue 10, item 8):
 * each node has its own pool, as separate processes would; the schema does not
 * exist yet, so they race from `create schema` through migrations, seeding and
 * the process files. The start-up advisory lock lets one prepare while the
 * others wait, then find nothing left to do.
 */
describe('scale-out: three nodes starting at once on an empty database', function () {
  this.timeout(120_000);
  const schemas: string[] = [];
  const nodes: Node[] = [];

  before(function () {
    if (!onPostgres()) {
      console.log('scale/three-nodes-start: needs PostgreSQL (DATABASE_URL) for nodes with their own pools; skipped on embedded PGlite');
      this.skip();
    }
  });

  /** Opens one node's pool on the schema (creating it if missing) and builds its app; does not start it. */
  async function node(schema: string, name: string): Promise<Node> {
    const db = await openDb({ url: process.env.DATABASE_URL, schema, poolMax: 4 });
    const logs: string[] = [];
    const app = createApp({ db, clock: new ManualClock('2026-03-02T01:00:00Z'), demo: true, node: name, log: (m) => logs.push(m), processesDir: PROCESSES });
    const n = { db, app, logs };
    nodes.push(n);
    return n;
  }

  function newSchema(): string {
    const schema = `t_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    return schema;
  }

  async function stopAll(): Promise<void> {
    for (const n of nodes.splice(0)) {
      await n.app.stop();
      await n.db.close();
    }
  }

  afterEach(stopAll);

  after(async () => {
    await stopAll();
    if (!schemas.length) return;
    const db = await openDb({ url: process.env.DATABASE_URL, createSchema: false });
    for (const s of schemas) await db.knex.raw('drop schema if exists ?? cascade', [s]);
    await db.close();
  });

  /** Each migration once, knex's lock one free row, each file once, the demo users once. */
  async function expectPreparedOnce(db: Db): Promise<void> {
    const k = db.knex;
    const migrations = (await k('knex_migrations').select('name').count('* as n').groupBy('name').orderBy('name')) as Array<{ name: string; n: number }>;
    expect(migrations.map((m) => m.name)).to.deep.equal(MIGRATIONS);
    expect(migrations.filter((m) => Number(m.n) !== 1), 'migrations recorded more than once').to.deep.equal([]);
    expect(await k('knex_migrations_lock').select('is_locked')).to.deep.equal([{ is_locked: 0 }]);

    const versions = (await k('definitions').select('region_id', 'key').count('* as n').groupBy('region_id', 'key')) as Array<{ region_id: string; key: string; n: number }>;
    expect(versions.filter((v) => Number(v.n) !== 1), 'a process file deployed as more than one version').to.deep.equal([]);
    expect(Number((await k('definitions').count('* as n').first())?.n)).to.equal(PROCESS_FILES.length);

    const users = (await k('users').select('username').count('* as n').groupBy('username')) as Array<{ username: string; n: number }>;
    expect(users).to.have.length(DEMO_USERS);
    expect(Number((await k('regions').count('* as n').first())?.n)).to.equal(REGIONS.length);
  }

  it('given an empty schema ten times over, when three nodes start at the same moment, then all start and each migration, process file and demo user exists once', async () => {
    for (let round = 0; round < 10; round++) {
      const schema = newSchema();
      // The pools open together too: `create schema if not exists` races as well.
      const three = await Promise.all(['n1', 'n2', 'n3'].map((name) => node(schema, name)));
      await Promise.all(three.map((n) => n.app.start()));
      await expectPreparedOnce(three[0].db);
      const seeders = three.filter((n) => n.logs.some((l) => l.startsWith('seeded ')));
      expect(seeders, `round ${round}: nodes that seeded demo users`).to.have.length(1);
      await stopAll();
    }
  });

  it('given a knex migration lock left taken by a killed node, when the next node starts, then it clears the stale lock, says so, and starts', async () => {
    const schema = newSchema();
    const first = await node(schema, 'n1');
    await migrateLatest(first.db.knex, schema);
    // What a node killed between knex's "lock" and "free" leaves behind.
    await first.db.knex('knex_migrations_lock').update({ is_locked: 1 });
    const refused = await migrateLatest(first.db.knex, schema).then(() => null, (err: Error) => err.message);
    expect(refused, 'knex alone refuses to migrate').to.match(/already locked/);

    const next = await node(schema, 'n2');
    await next.app.start();
    expect(next.logs.filter((l) => /cleared a stale knex migration lock/.test(l))).to.have.length(1);
    await expectPreparedOnce(next.db);
  });

  it('given knex\'s lock table with two free rows (its own creation race), when a node starts, then it repairs the table and starts', async () => {
    const schema = newSchema();
    const first = await node(schema, 'n1');
    await migrateLatest(first.db.knex, schema);
    await first.db.knex('knex_migrations_lock').insert({ is_locked: 0 });

    const next = await node(schema, 'n2');
    await next.app.start();
    expect(next.logs.join('\n')).to.match(/cleared a stale knex migration lock .*2 rows/);
    await expectPreparedOnce(next.db);
  });

  it('given another session holds the start-up lock of one schema, when nodes start on it and on another schema, then only the first waits, until the lock is released', async () => {
    const held = newSchema();
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1, hashtext($2))', [STARTUP_LOCK_CLASS, held]);
      const waiting = await node(held, 'n1');
      let started = false;
      const starting = waiting.app.start().then(() => {
        started = true;
      });
      // A node on another schema is not held up by it.
      const other = await node(newSchema(), 'n2');
      await other.app.start();
      expect(other.logs.some((l) => /waiting/.test(l))).to.equal(false);

      for (let i = 0; i < 100 && !waiting.logs.some((l) => /waiting for it/.test(l)); i++) await new Promise((r) => setTimeout(r, 20));
      expect(waiting.logs.some((l) => /another node is preparing schema/.test(l)), 'the waiting node said why').to.equal(true);
      expect(started, 'started while another session held the lock').to.equal(false);
      expect(await waiting.db.knex.schema.hasTable('knex_migrations'), 'migrated while another session held the lock').to.equal(false);

      await holder.query('select pg_advisory_unlock($1, hashtext($2))', [STARTUP_LOCK_CLASS, held]);
      await starting;
      await expectPreparedOnce(waiting.db);
    } finally {
      await holder.end();
    }
  });
});
