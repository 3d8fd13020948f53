export { REGIONS, DEMO_REGIONS, DEFAULT_REGION, STEERING_UNITS, ensureRegions, listRegions, createRegion, updateRegion, newRegionSchema, regionPatchSchema } from './regions.ts';
export type { RegionView } from './regions.ts';
