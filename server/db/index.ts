export { openDb } from './open.ts';
export type { Db, DbConfig } from './open.ts';
export { migrateLatest, migrateRollbackAll } from './migrate.ts';
export type { Knex } from 'knex';
