export { parseIsoDuration, isIsoDuration, addIsoDuration } from './duration.ts';
