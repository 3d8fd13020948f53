export { recordChange, listChanges, changeQuerySchema } from './changes.ts';
export type { ChangeEntity } from './changes.ts';
