export { createSealer } from './sealer.ts';
export type { Sealer } from './sealer.ts';
export { loadSecretKey, parseSecretKey, DEVELOPMENT_KEY } from './keys.ts';
export { maskPhone, maskIdNumber, maskName } from './mask.ts';
