export { appendEvents, chainEvents, eventHash, HASH_VERSION } from './events.ts';
export type { NewEvent, ChainHead } from './events.ts';
export { verifyChain, verifyCase } from './verify.ts';
export type { ChainReport } from './verify.ts';
export { canonicalJson } from './canonical.ts';
export { toCsv, csvCell, BOM } from './csv.ts';
export {
  loadAuditKey, loadAnchorKey, useAuditKeys, auditKeyOf, auditKeysOf, publicKeyPem, keyFingerprint,
  DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_ANCHOR_KEY,
} from './keys.ts';
export type { AuditKeys } from './keys.ts';
export { anchorDay, anchorYesterday, anchorMessage, anchorSignatureValid, checkAnchor, dayDigest, listAnchors } from './anchors.ts';
export type { Anchor } from './anchors.ts';
