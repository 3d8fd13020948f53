export { Metrics } from './metrics.ts';
export type { MetricSources } from './metrics.ts';
export { httpMetrics } from './http.ts';
export { metricsRoute } from './route.ts';
