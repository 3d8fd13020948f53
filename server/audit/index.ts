export { appendEvents, chainEvents, eventHash } from './events.ts';
export type { NewEvent, ChainHead } from './events.ts';
export { verifyChain } from './verify.ts';
export type { ChainReport } from './verify.ts';
export { canonicalJson } from './canonical.ts';
export { toCsv, csvCell, BOM } from './csv.ts';
