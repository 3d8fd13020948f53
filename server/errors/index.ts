export { AppError, notFound, conflict, invalid, badRequest, fromDatabaseError, databaseUnavailable, DATABASE_RETRY_AFTER_S } from './errors.ts';
