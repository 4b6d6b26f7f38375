// The charts of a sweep's report that compare runs and configurations: a metric per configuration with its
// 95 % interval and every run beside it (the Table 2 view), a metric against the noise level, and the loss
// curves of every seed with their median and spread. Vega-Lite specs, rendered by charts.ts's svgOf.
import type { VegaLiteSpec } from './charts.js';

const width = 440;

export interface IntervalRow {
  configuration: string;
  mean: number | null;
  /** The 95 % interval (statistics.ts: Student-t, Fisher z for correlations); null below two runs. */
  interval: [number, number] | null;
  runs: number[];
}

/** One metric per configuration: the mean as a dot, its 95 % interval as a bar, each run as a faint tick. */
export function intervalSpec(title: string, axisTitle: string, rows: readonly IntervalRow[]): VegaLiteSpec {
  const order = rows.map((r) => r.configuration);
  const y = { field: 'configuration', type: 'nominal' as const, sort: order, title: null };
  const summaries = rows.filter((r) => r.mean !== null).map((r) => ({ configuration: r.configuration, mean: r.mean, lo: r.interval?.[0] ?? r.mean, hi: r.interval?.[1] ?? r.mean }));
  const runs = rows.flatMap((r) => r.runs.filter(Number.isFinite).map((value) => ({ configuration: r.configuration, value })));
  return {
    title,
    width,
    height: { step: 26 },
    layer: [
      { data: { values: runs }, mark: { type: 'tick', color: '#888', opacity: 0.7, thickness: 1.5 }, encoding: { y, x: { field: 'value', type: 'quantitative', title: axisTitle, scale: { zero: false } } } },
      { data: { values: summaries }, mark: { type: 'rule', color: '#0072b2', strokeWidth: 2.5 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
      { data: { values: summaries }, mark: { type: 'point', filled: true, color: '#0072b2', size: 60 }, encoding: { y, x: { field: 'mean', type: 'quantitative' } } },
    ],
  } as VegaLiteSpec;
}

export interface NoisePoint {
  configuration: string;
  noise: number;
  mean: number;
  interval: [number, number] | null;
}

/**
 * A metric against a noise level, one line per configuration, each point with its 95 % interval. The levels are a
 * sweep's few discrete values, so they are spaced as categories and each configuration's interval sits beside the
 * others' (offset within the level) instead of on top of them.
 */
export function noiseSpec(title: string, noiseTitle: string, metricTitle: string, points: readonly NoisePoint[]): VegaLiteSpec {
  const values = points.map((p) => ({ ...p, lo: p.interval?.[0] ?? p.mean, hi: p.interval?.[1] ?? p.mean }));
  const levels = [...new Set(points.map((p) => p.noise))].sort((a, b) => a - b);
  const x = { field: 'noise', type: 'ordinal' as const, sort: levels, title: noiseTitle, axis: { labelAngle: 0 } };
  const xOffset = { field: 'configuration', type: 'nominal' as const };
  const color = { field: 'configuration', type: 'nominal' as const, scale: { scheme: 'tableau10' }, title: 'configuration' };
  const y = { type: 'quantitative' as const, title: metricTitle, scale: { zero: false } };
  return {
    title,
    width: Math.max(width / 2, 90 * levels.length),
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, xOffset, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color } },
      { mark: { type: 'point', filled: true, size: 50 }, encoding: { x, xOffset, y: { field: 'mean', ...y }, color, shape: { field: 'configuration', type: 'nominal', title: 'configuration' } } },
    ],
  } as VegaLiteSpec;
}

export interface SeedCurve {
  seed: string;
  epoch: ArrayLike<number>;
  loss: ArrayLike<number>;
}

/**
 * Every seed's total loss (thin), and at each epoch all seeds reported, their median (thick) and the band
 * from their smallest to their largest; log scale, non-positive values are gaps.
 */
export function seedLossSpec(title: string, curves: readonly SeedCurve[]): VegaLiteSpec {
  const positive = (v: number) => (v > 0 && Number.isFinite(v) ? v : null);
  const lines = curves.flatMap((c) => Array.from(c.epoch, (epoch, i) => ({ epoch, loss: positive(c.loss[i]!), seed: c.seed })));
  const byEpoch = new Map<number, number[]>();
  for (const c of curves) Array.from(c.epoch).forEach((epoch, i) => {
    const v = positive(c.loss[i]!);
    if (v !== null) byEpoch.set(epoch, [...(byEpoch.get(epoch) ?? []), v]);
  });
  const band = [...byEpoch.entries()]
    .filter(([, values]) => values.length === curves.length)
    .sort(([a], [b]) => a - b)
    .map(([epoch, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : Math.sqrt(sorted[mid - 1]! * sorted[mid]!);
      return { epoch, lo: sorted[0]!, hi: sorted[sorted.length - 1]!, median };
    });
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch' };
  const y = { type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'total loss (log scale)' };
  return {
    title,
    width,
    height: 220,
    layer: [
      { data: { values: band }, mark: { type: 'area', color: '#56b4e9', opacity: 0.25 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
      { data: { values: lines }, mark: { type: 'line', strokeWidth: 0.8, color: '#999' }, encoding: { x, y: { field: 'loss', ...y }, detail: { field: 'seed', type: 'nominal' } } },
      { data: { values: band }, mark: { type: 'line', strokeWidth: 2.5, color: '#0072b2' }, encoding: { x, y: { field: 'median', ...y } } },
    ],
  } as VegaLiteSpec;
}
