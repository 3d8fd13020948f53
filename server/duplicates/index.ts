export { findDuplicates, duplicatesOfCase, duplicatesOfDraft, duplicateOptionsSchema, draftDuplicatesSchema, DUPLICATE_DEFAULTS } from './find.ts';
export type { DuplicateOptions, DraftDuplicates, DuplicateSuggestion } from './find.ts';
export { textMethod, bigramSimilarity } from './similarity.ts';
export type { TextMethod } from './similarity.ts';
