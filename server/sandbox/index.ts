export { EnginePool } from './pool.ts';
export type { PoolOptions, PoolStep, PoolResult, LiveToken } from './pool.ts';
