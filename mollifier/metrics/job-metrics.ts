// The metrics of one training job (the paper's App. B.4; definitions in docs/metrics.md). Plain float64
// on typed arrays, no tensors. Every number that reaches the output is finite or null, so the object can be
// written as JSON as it is.
import { cropToInterior, MetricsError, smoothField, smoothingFits, type SmoothingKernel } from './smoothing.js';
import type { Grid } from '../pdes/types.js';

export interface JobMetricsInput {
  /** The grid of the parameter nodes (after any cropping the trainer did). */
  grid: Grid;
  /** True parameter on the grid's nodes. */
  paramTrue: ArrayLike<number>;
  /** Predicted parameter on the same nodes. */
  paramPred: ArrayLike<number>;
  /**
   * The truth already smoothed at the kernel scale on the same nodes (e.g. the layer's value output on the
   * full truth, as the separable estimate computes it). When absent, `paramTrue` is smoothed here with `kernel`.
   */
  paramTrueSmoothed?: ArrayLike<number> | null;
  /** 2D only: true and predicted Laplacian of the observed field, on the same nodes as each other. */
  laplacianTrue?: ArrayLike<number> | null;
  laplacianPred?: ArrayLike<number> | null;
  /** The kernel the job mollified with; the truth is smoothed with its value kernel (default bump, radius 4). */
  kernel?: SmoothingKernel;
  /** Final loss terms: MSE_u on the observed nodes and MSE_f (unweighted). */
  lossData?: number | null;
  lossPde?: number | null;
  /** Training wall time in seconds. */
  timeSeconds?: number | null;
  /** tf.profile peakBytes of one training step (tensor memory). */
  peakBytes?: number | null;
  /** Process resident set size in bytes (process.memoryUsage().rss, or its peak). */
  rssBytes?: number | null;
  backend?: string | null;
  /** What the backend ran on, as it reports it (the WebGPU adapter, cuda:N, cpu). */
  device?: string | null;
  versions?: Record<string, string>;
}

export interface JobMetrics {
  /** Pearson r of predicted vs true parameter; null when either side is constant or < 2 finite nodes. */
  param_corr: number | null;
  /** Pearson r of predicted vs the truth smoothed at the kernel scale; null as param_corr. */
  param_corr_smoothed: number | null;
  param_mean: number | null;
  param_true_mean: number | null;
  /** |param_mean − param_true_mean| / |param_true_mean|; null when the true mean is 0. */
  param_mean_rel_err: number | null;
  /** Population std of the prediction / that of the truth; null when the truth is constant. */
  param_std_ratio: number | null;
  /** Population std of the prediction and of the truth over the same nodes: a run's "predicted noise" (paper B.4.1). */
  param_std: number | null;
  param_true_std: number | null;
  /** Predicted nodes that are NaN or ±Infinity (excluded from every parameter statistic). */
  param_nonfinite: number;
  /** Pearson r of predicted vs true Laplacian of the field (2D only, else null). */
  laplacian_corr: number | null;
  loss_data: number | null;
  loss_pde: number | null;
  time_s: number | null;
  peak_bytes: number | null;
  rss_bytes: number | null;
  backend: string | null;
  device: string | null;
  versions: Record<string, string>;
}

/** A finite number, or null (NaN and ±Infinity never reach JSON). */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** True when every value is the same (exactly), so no spread exists to correlate with. */
export function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Population standard deviation (two-pass), float64. */
function std(values: Float64Array, m = mean(values)): number {
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return Math.sqrt(sum / values.length);
}

/**
 * Pearson correlation (the paper's eq. 53) over the pairs where both values are finite, clamped to [−1, 1];
 * null with fewer than 2 such pairs or when either side is constant on them.
 */
export function pearsonOrNull(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) throw new MetricsError(`correlation of ${a.length} and ${b.length} values: lengths differ`);
  const [x, y] = finitePairs(a, b);
  if (x.length < 2 || isConstant(x) || isConstant(y)) return null;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return finiteOrNull(Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))));
}

function finitePairs(a: ArrayLike<number>, b: ArrayLike<number>): [Float64Array, Float64Array] {
  const keep: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) keep.push(i);
  return [Float64Array.from(keep, (i) => a[i]!), Float64Array.from(keep, (i) => b[i]!)];
}

export function jobMetrics(input: JobMetricsInput): JobMetrics {
  const { grid, paramTrue, paramPred } = input;
  if (paramTrue.length !== paramPred.length) {
    throw new MetricsError(`jobMetrics: ${paramPred.length} predicted and ${paramTrue.length} true parameter values`);
  }
  let nonfinite = 0;
  for (let i = 0; i < paramPred.length; i++) if (!Number.isFinite(paramPred[i])) nonfinite++;
  // Statistics on the nodes where the prediction (and the truth) are finite.
  const [pred, truth] = finitePairs(paramPred, paramTrue);
  const predMean = pred.length ? mean(pred) : NaN;
  const trueMean = truth.length ? mean(truth) : NaN;
  const trueConstant = truth.length < 2 || isConstant(truth);
  const predStd = pred.length ? std(pred, predMean) : NaN;
  const trueStd = truth.length ? std(truth, trueMean) : NaN;
  const stdRatio = trueConstant ? NaN : predStd / trueStd;
  return {
    param_corr: trueConstant ? null : pearsonOrNull(paramPred, paramTrue),
    param_corr_smoothed: trueConstant ? null : smoothedCorrelation(input),
    param_mean: finiteOrNull(predMean),
    param_true_mean: finiteOrNull(trueMean),
    param_mean_rel_err: trueMean === 0 ? null : finiteOrNull(Math.abs(predMean - trueMean) / Math.abs(trueMean)),
    param_std_ratio: finiteOrNull(stdRatio),
    param_std: finiteOrNull(predStd),
    param_true_std: finiteOrNull(trueStd),
    param_nonfinite: nonfinite,
    laplacian_corr: laplacianCorrelation(input),
    loss_data: finiteOrNull(input.lossData),
    loss_pde: finiteOrNull(input.lossPde),
    time_s: finiteOrNull(input.timeSeconds),
    peak_bytes: finiteOrNull(input.peakBytes),
    rss_bytes: finiteOrNull(input.rssBytes),
    backend: input.backend ?? null,
    device: input.device ?? null,
    versions: { ...(input.versions ?? {}) },
  };
}

/**
 * Correlation with the truth smoothed at the kernel scale. With a precomputed smoothed truth, on the same
 * nodes. Otherwise the given truth is smoothed here: under 'valid' the comparison is on the interior that
 * the kernel fully covers (the prediction is cropped by the same radius); null when the grid is too small
 * for the kernel.
 */
function smoothedCorrelation(input: JobMetricsInput): number | null {
  const { grid, paramTrue, paramPred } = input;
  if (input.paramTrueSmoothed) return pearsonOrNull(paramPred, input.paramTrueSmoothed);
  const kernel = input.kernel ?? {};
  if (!smoothingFits(grid, kernel)) return null;
  const smoothed = smoothField(paramTrue, grid, kernel);
  return pearsonOrNull(cropToInterior(paramPred, grid, smoothed.trim), smoothed.values);
}

function laplacianCorrelation(input: JobMetricsInput): number | null {
  if (input.grid.dims !== 2 || !input.laplacianTrue || !input.laplacianPred) return null;
  return pearsonOrNull(input.laplacianPred, input.laplacianTrue);
}
