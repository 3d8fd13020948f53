export { openDb } from './open.ts';
export type { Db, DbConfig } from './open.ts';
export { migrateLatest, migrateRollbackAll } from './migrate.ts';
export type { Knex } from 'knex';
export { createReadRouting, CONSISTENT_HEADER } from './read-route.ts';
export type { ReadRouting } from './read-route.ts';
