export { AppError, notFound, conflict, invalid, badRequest, fromDatabaseError } from './errors.ts';
