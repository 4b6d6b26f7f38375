// Five-run statistics: per group (a job's options without the seed), n, mean, sample standard deviation
// and the 95 % Student-t interval of every numeric metric of the completed runs.
import { mean, sampleStandardDeviation } from 'simple-statistics';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { JobRow } from './store.js';

export interface MetricSummary {
  n: number;
  mean: number | null;
  std: number | null;
  /** 95 % t-interval of the mean; null below two runs. */
  ci95: [number, number] | null;
}

export interface GroupStatistics {
  sweep: string;
  group: string;
  /** The options all its runs share (the seed, and options that go with the seed, dropped). */
  options: Record<string, unknown>;
  /** Completed runs; the others by status. */
  n: number;
  runs: { done: number; diverged: number; failed: number; unfinished: number };
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
    for (const name of names) metrics[name] = summarise(done.map((r) => r.metrics![name]).filter((v): v is number => typeof v === 'number'));
    return {
      sweep: first.sweep,
      group: first.group,
      options,
      n: done.length,
      runs: {
        done: done.length,
        diverged: members.filter((r) => r.status === 'diverged').length,
        failed: members.filter((r) => r.status === 'failed').length,
        unfinished: members.filter((r) => r.status === 'queued' || r.status === 'running').length,
      },
      metrics,
    };
  });
}
