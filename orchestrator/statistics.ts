// Five-run statistics: per group (a job's options without the seed), n, mean, sample standard deviation
// and the 95 % Student-t interval of every numeric metric of the completed runs; for correlations the interval
// is Fisher's (summariseCorrelation), since the t-interval of r can run past ±1.
import { mean, sampleStandardDeviation } from 'simple-statistics';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { JobRow } from './store.js';

export interface MetricSummary {
  n: number;
  mean: number | null;
  std: number | null;
  /** 95 % t-interval of the mean (of a correlation: Fisher's z-interval, inside (-1, 1)); null below two runs. */
  ci95: [number, number] | null;
  /** A correlation's only: tanh of the mean of atanh(r), the centre of its ci95 (null below one run). */
  fisherMean?: number | null;
}

export interface GroupStatistics {
  sweep: string;
  group: string;
  /** The options all its runs share (the seed, and options that go with the seed, dropped). */
  options: Record<string, unknown>;
  /** Completed runs; the others by status. */
  n: number;
  /** `stopped`: ended early by the sweep's early-stop rule; like failed and diverged runs, outside the statistics. */
  runs: { done: number; diverged: number; failed: number; stopped: number; unfinished: number };
  metrics: Record<string, MetricSummary>;
}

export function summarise(values: readonly number[]): MetricSummary {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { n, mean: null, std: null, ci95: null };
  const m = mean(finite);
  if (n < 2) return { n, mean: m, std: null, ci95: null };
  const std = sampleStandardDeviation(finite);
  const half = tQuantile(0.975, n - 1) * (std / Math.sqrt(n));
  return { n, mean: m, std, ci95: [m - half, m + half] };
}

/**
 * THE rule for which metrics are correlations: `corr` as a word of the name (param_corr, param_corr_smoothed,
 * laplacian_corr, direct_param_corr, ...; docs/metrics.md), never a longer word such as `correction`.
 */
export const isCorrelationMetric = (name: string): boolean => /(^|_)corr(_|$)/.test(name);

/**
 * r = ±1 exactly (a prediction that is the truth up to scale and offset) would make atanh infinite, and
 * float64 tanh rounds back to ±1 past |z| ≈ 19: r before atanh and both ends after tanh are held at
 * ±(1 - 1e-12), so the interval stays finite and inside (-1, 1).
 */
const maxAbsR = 1 - 1e-12;
const clampR = (r: number) => Math.min(maxAbsR, Math.max(-maxAbsR, r));

/**
 * A correlation's summary: the interval is Fisher's, z = atanh(r) per run, the Student-t interval (n - 1 df) of
 * the mean of z, back through tanh; so it lies in (-1, 1) and is not symmetric about the mean. The mean and std
 * stay those of r itself: the paper's Table 2 reports the mean over runs of r (docs/metrics.md), and the targets
 * and the paper's numbers are compared with it; `fisherMean` (tanh of the mean z) is the interval's centre. With
 * widely spread r the plain mean can lie outside the interval: the interval is for the typical run's r.
 */
export function summariseCorrelation(values: readonly number[]): MetricSummary {
  const plain = summarise(values);
  const z = values.filter((v) => Number.isFinite(v)).map((r) => Math.atanh(clampR(r)));
  if (z.length === 0) return { ...plain, fisherMean: null };
  const zMean = mean(z);
  if (z.length < 2) return { ...plain, fisherMean: clampR(Math.tanh(zMean)) };
  const half = tQuantile(0.975, z.length - 1) * (sampleStandardDeviation(z) / Math.sqrt(z.length));
  return { ...plain, ci95: [clampR(Math.tanh(zMean - half)), clampR(Math.tanh(zMean + half))], fisherMean: clampR(Math.tanh(zMean)) };
}

/** A metric's summary by its name: correlations by Fisher's z, everything else by `summarise`. */
export const summariseMetric = (name: string, values: readonly number[]): MetricSummary => (isCorrelationMetric(name) ? summariseCorrelation(values) : summarise(values));

export function groupStatistics(rows: readonly JobRow[]): GroupStatistics[] {
  const groups = new Map<string, JobRow[]>();
  for (const row of rows) {
    const key = `${row.sweep}\u0000${row.group}`;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0]!;
    const same = (key: string, value: unknown) => members.every((m) => JSON.stringify((m.options as Record<string, unknown>)[key]) === JSON.stringify(value));
    const options = Object.fromEntries(Object.entries(first.options as Record<string, unknown>).filter(([key, value]) => key !== 'seed' && same(key, value)));
    const done = members.filter((r) => r.status === 'done' && r.metrics);
    const names = [...new Set(done.flatMap((r) => Object.entries(r.metrics!).filter(([, v]) => typeof v === 'number').map(([k]) => k)))].sort();
    const metrics: Record<string, MetricSummary> = {};
    for (const name of names) metrics[name] = summariseMetric(name, done.map((r) => r.metrics![name]).filter((v): v is number => typeof v === 'number'));
    return {
      sweep: first.sweep,
      group: first.group,
      options,
      n: done.length,
      runs: {
        done: done.length,
        diverged: members.filter((r) => r.status === 'diverged').length,
        stopped: members.filter((r) => r.status === 'stopped').length,
        failed: members.filter((r) => r.status === 'failed').length,
        unfinished: members.filter((r) => r.status === 'queued' || r.status === 'running').length,
      },
      metrics,
    };
  });
}
