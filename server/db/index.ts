export { openDb } from './open.ts';
export { pgliteExtensions } from './pglite-extensions.ts';
export type { Db, DbConfig } from './open.ts';
export { migrateLatest, migrateRollbackAll, freeStaleMigrationLock, migrationStatus } from './migrate.ts';
export { withStartupLock, STARTUP_LOCK_CLASS } from './startup-lock.ts';
export type { Knex } from 'knex';
export { createReadRouting, CONSISTENT_HEADER } from './read-route.ts';
export type { ReadRouting } from './read-route.ts';
