export { REGIONS, ensureRegions, listRegions } from './regions.ts';
