export { fieldMean, fieldStd, pearson } from './statistics.js';
export {
  smoothField,
  smoothingFits,
  cropToInterior,
  assertSmoothingBoundary,
  defaultSmoothingBoundary,
  smoothingBoundaries,
  MetricsError,
  type SmoothingBoundary,
  type SmoothingKernel,
  type SmoothedField,
} from './smoothing.js';
export { jobMetrics, pearsonOrNull, finiteOrNull, isConstant, type JobMetrics, type JobMetricsInput } from './job-metrics.js';
