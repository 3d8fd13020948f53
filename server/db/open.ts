import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { pgliteExtensions } from './pglite-extensions.ts';
import { lockDataDir } from './lock.ts';

// int8 (counts, identity ids) as JS numbers: ids stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface DbConfig {
  /** postgres://… — when absent, the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; absent with no `pglite` means in-memory. */
  dataDir?: string;
  /** An already open PGlite owned by the caller (tests share one per run). */
  pglite?: PGlite;
  /** Schema to use (created if missing); tests get a fresh one per file. */
  schema?: string;
  poolMax?: number;
  /** false for a read replica: `create schema` is a write a hot standby refuses. */
  createSchema?: boolean;
}

export interface Db {
  knex: Knex;
  kind: 'pg' | 'pglite';
  schema: string;
  /** Sends a NOTIFY; on PGlite it reaches listeners in this process. */
  notify(channel: string, payload: string): Promise<void>;
  /** Subscribes to a channel; returns the unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function openDb(config: DbConfig): Promise<Db> {
  const schema = config.schema ?? 'public';
  if (config.url) return openPostgres(config.url, schema, config.poolMax ?? 10, config.createSchema ?? true);
  return openPGlite(config, schema);
}

async function openPostgres(url: string, schema: string, poolMax: number, createSchema: boolean): Promise<Db> {
  const knex = knexFactory({
    client: 'pg',
    connection: url,
    searchPath: [schema],
    pool: { min: 0, max: poolMax },
  });
  if (schema !== 'public' && createSchema) await createSchemaOnce(knex, schema);
  let listener: pg.Client | null = null;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  async function ensureListener(): Promise<pg.Client> {
    if (listener) return listener;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    client.on('notification', (msg) => {
      for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    // A lost LISTEN connection only costs wake-up latency: the scheduler also polls.
    client.on('error', () => {
      listener = null;
    });
    listener = client;
    return client;
  }

  return {
    knex,
    kind: 'pg',
    schema,
    async notify(channel, payload) {
      await knex.raw('select pg_notify(?, ?)', [channel, payload]);
    },
    async listen(channel, onMessage) {
      const client = await ensureListener();
      if (!handlers.has(channel)) {
        handlers.set(channel, new Set());
        await client.query(`listen "${channel.replace(/"/g, '')}"`);
      }
      handlers.get(channel)!.add(onMessage);
      return async () => {
        handlers.get(channel)?.delete(onMessage);
      };
    },
    async close() {
      await listener?.end().catch(() => undefined);
      listener = null;
      await knex.destroy();
    },
  };
}

/**
 * `create schema if not exists` is check-then-insert in PostgreSQL: two nodes opening an
 * empty database at once can both pass the check, and the loser fails on the catalog's
 * unique index (23505) or as a duplicate schema (42P06). Either way the schema exists.
 */
async function createSchemaOnce(knex: Knex, schema: string): Promise<void> {
  try {
    await knex.raw('create schema if not exists ??', [schema]);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}

async function openPGlite(config: DbConfig, schema: string): Promise<Db> {
  const owned = !config.pglite;
  const unlock = config.dataDir && owned ? lockDataDir(config.dataDir) : () => undefined;
  // Loaded only in embedded mode: the module alone costs ~35 MB of a PostgreSQL node's memory.
  const [{ PGlite: PGliteClass }, { SharedPGliteClient }] = await Promise.all([import('@electric-sql/pglite'), import('./pglite-client.ts')]);
  const pglite = config.pglite ?? new PGliteClass(config.dataDir, { extensions: await pgliteExtensions() });
  await pglite.waitReady;
  if (schema !== 'public') await pglite.exec(`create schema if not exists "${schema}"`);
  const knex = knexFactory({
    client: SharedPGliteClient as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
    searchPath: [schema],
  } as Knex.Config);
  const unsubscribers: Array<() => Promise<void>> = [];
  return {
    knex,
    kind: 'pglite',
    schema,
    async notify(channel, payload) {
      await knex.raw('select pg_notify(?, ?)', [channel, payload]);
    },
    async listen(channel, onMessage) {
      const unsub = await pglite.listen(channel, onMessage);
      unsubscribers.push(unsub);
      return unsub;
    },
    async close() {
      for (const u of unsubscribers.splice(0)) await u().catch(() => undefined);
      await knex.destroy();
      if (owned) await pglite.close();
      unlock();
    },
  };
}
