// The metrics of a group of jobs, as the paper's Table 2 reports them (SCIENCE.md §6; definitions in
// docs/metrics.md). A group is the jobs of one configuration that differ only in seed and noise level (or
// parameter case); the caller forms the groups. Every number is finite or null.
import { finiteOrNull, isConstant, pearsonOrNull, type JobMetrics } from './job-metrics.js';

export interface Summary {
  /** Mean of the finite values; null when there are none. */
  mean: number | null;
  /** Sample standard deviation (n − 1) of the finite values; null when n < 2. */
  std: number | null;
  /** How many finite values were summarised. */
  n: number;
}

/** Mean, sample std (n − 1) and count over the finite values; null, undefined, NaN and ±Infinity are skipped. */
export function summarise(values: Iterable<number | null | undefined>): Summary {
  const finite: number[] = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) finite.push(v);
  const n = finite.length;
  if (n === 0) return { mean: null, std: null, n };
  let sum = 0;
  for (const v of finite) sum += v;
  const mean = sum / n;
  if (n < 2) return { mean: finiteOrNull(mean), std: null, n };
  let squares = 0;
  for (const v of finite) squares += (v - mean) ** 2;
  return { mean: finiteOrNull(mean), std: finiteOrNull(Math.sqrt(squares / (n - 1))), n };
}

/** What group metrics read from each job: any JobMetrics, or a partial one (a failed job gives nulls). */
export type GroupJob = Partial<
  Pick<JobMetrics, 'param_corr' | 'param_corr_smoothed' | 'param_mean' | 'param_true_mean' | 'laplacian_corr' | 'time_s' | 'peak_bytes' | 'rss_bytes'>
>;

export interface GroupMetricsOptions {
  /** 1: the parameter varies in time (Langevin) → temporal_corr; 2: in space (heat, RD) → spatial_corr. */
  dims: 1 | 2;
}

export interface GroupMetrics {
  /** Jobs in the group, whatever their state. */
  runs: number;
  /**
   * Pearson r across jobs between param_mean and param_true_mean ("mean corr"); null with fewer than 3
   * distinct true means among the jobs that have both, or when the predicted means are all equal.
   */
  mean_corr: number | null;
  /** Jobs that entered mean_corr (both means finite). */
  mean_corr_n: number;
  /** Distinct true means among them. */
  mean_corr_levels: number;
  /** Summary over jobs of param_corr, for a 1D (time-varying) parameter; null in 2D. */
  temporal_corr: Summary | null;
  /** Summary over jobs of param_corr, for a 2D (space-varying) parameter; null in 1D. */
  spatial_corr: Summary | null;
  /** Summary over jobs of param_corr_smoothed. */
  param_corr_smoothed: Summary;
  /** Summary over jobs of laplacian_corr (n = 0 in 1D). */
  laplacian_corr: Summary;
  time_s: Summary;
  peak_bytes: Summary;
  rss_bytes: Summary;
}

/** Pearson r of predicted vs true parameter means across jobs, with the jobs and levels it used. */
export function meanCorrelation(jobs: readonly GroupJob[]): { corr: number | null; n: number; levels: number } {
  const pred: number[] = [];
  const truth: number[] = [];
  for (const job of jobs) {
    const p = finiteOrNull(job.param_mean);
    const t = finiteOrNull(job.param_true_mean);
    if (p !== null && t !== null) {
      pred.push(p);
      truth.push(t);
    }
  }
  const levels = new Set(truth).size;
  const corr = levels < 3 || isConstant(pred) ? null : pearsonOrNull(pred, truth);
  return { corr, n: pred.length, levels };
}

export function groupMetrics(jobs: readonly GroupJob[], options: GroupMetricsOptions): GroupMetrics {
  const mean = meanCorrelation(jobs);
  const corr = summarise(jobs.map((j) => j.param_corr));
  return {
    runs: jobs.length,
    mean_corr: mean.corr,
    mean_corr_n: mean.n,
    mean_corr_levels: mean.levels,
    temporal_corr: options.dims === 1 ? corr : null,
    spatial_corr: options.dims === 2 ? corr : null,
    param_corr_smoothed: summarise(jobs.map((j) => j.param_corr_smoothed)),
    laplacian_corr: summarise(jobs.map((j) => j.laplacian_corr)),
    time_s: summarise(jobs.map((j) => j.time_s)),
    peak_bytes: summarise(jobs.map((j) => j.peak_bytes)),
    rss_bytes: summarise(jobs.map((j) => j.rss_bytes)),
  };
}
