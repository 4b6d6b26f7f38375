// The report's charts as Vega-Lite specs, rendered to SVG in this process (vega's headless view, no browser
// and no canvas). A 2D field is one raster image (raster.ts) under real axes and a colour legend, so a 64×64 map
// is a few kB instead of 4,096 SVG rectangles. Colour schemes are readable with the common colour-vision
// deficiencies: viridis for magnitudes, blue-orange (diverging, centred on 0) for errors.
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { fieldPng } from './raster.js';
import type { ReportGrid } from './result-file.js';

export type VegaLiteSpec = vl.TopLevelSpec;

const size = 220;

export async function svgOf(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Smallest and largest finite value of the arrays together (a shared colour scale for truth and estimate). */
export function finiteRange(...arrays: ReadonlyArray<ArrayLike<number> | null | undefined>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** The q-quantile (0..1) of the finite values, by the nearest rank. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  return finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))]!;
}

/**
 * The colour domain of a truth and its estimate: the truth's range where there is a truth (the estimate is
 * compared on it; its values beyond show in the end colours, so a boundary spike cannot flatten the truth into
 * one colour), else the estimate's 2-98 % quantiles.
 */
export function robustRange(estimate: ArrayLike<number>, truth?: ArrayLike<number> | null): [number, number] {
  if (truth && Array.from(truth).some(Number.isFinite)) return finiteRange(truth);
  const [lo, hi] = [quantile(estimate, 0.02), quantile(estimate, 0.98)];
  return Number.isFinite(lo) ? finiteRange([lo, hi]) : [0, 1];
}

export interface HeatmapOptions {
  title: string;
  grid: Extract<ReportGrid, { dims: 2 }>;
  values: ArrayLike<number>;
  /** What the colour means, for the legend (a name and its unit where it has one). */
  legend: string;
  domain: [number, number];
  scheme: 'viridis' | 'blueorange';
}

export function heatmapSpec(options: HeatmapOptions): VegaLiteSpec {
  const { grid, domain } = options;
  const interpolate = vega.scheme(options.scheme) as (t: number) => string;
  const url = `data:image/png;base64,${fieldPng(options.values, grid.nx, grid.ny, domain, interpolate).toString('base64')}`;
  // Node centres at x0 + j·hx: the image spans half a spacing beyond the first and last node.
  const [x0, x1] = [grid.x0 - grid.hx / 2, grid.x0 + (grid.nx - 0.5) * grid.hx];
  const [y0, y1] = [grid.y0 - grid.hy / 2, grid.y0 + (grid.ny - 0.5) * grid.hy];
  const axis = (field: 'x' | 'y', lo: number, hi: number) => ({ field, type: 'quantitative' as const, scale: { domain: [lo, hi], nice: false, zero: false }, title: field });
  return {
    title: options.title,
    width: size,
    height: size,
    layer: [
      {
        data: { values: [{ x: x0, y: y1, url }] },
        // One pixel per node, drawn as blocks: a smoothed image would show detail the grid does not have.
        mark: { type: 'image', width: size, height: size, aspect: false, align: 'left', baseline: 'top', smooth: false },
        encoding: { x: axis('x', x0, x1), y: axis('y', y0, y1), url: { field: 'url', type: 'nominal' } },
      },
      {
        // Invisible points that carry the colour scale, so the legend shows the image's colours and domain.
        data: { values: [{ x: x0, y: y0, v: domain[0] }, { x: x1, y: y1, v: domain[1] }] },
        mark: { type: 'point', opacity: 0 },
        encoding: {
          x: axis('x', x0, x1),
          y: axis('y', y0, y1),
          color: { field: 'v', type: 'quantitative', scale: { scheme: options.scheme, domain }, title: options.legend },
        },
      },
    ],
  };
}

export interface ProfileOptions {
  title: string;
  axis: string;
  coordinates: ArrayLike<number>;
  /** Named curves over the coordinates (NaN: a gap). */
  series: Record<string, ArrayLike<number>>;
  valueTitle: string;
}

/** Curves of 1D fields (truth and estimate) over t. */
export function profileSpec(options: ProfileOptions): VegaLiteSpec {
  const values: Array<{ t: number; v: number | null; series: string }> = [];
  for (const [series, curve] of Object.entries(options.series)) {
    for (let i = 0; i < curve.length; i++) values.push({ t: options.coordinates[i]!, v: Number.isFinite(curve[i]!) ? curve[i]! : null, series });
  }
  return {
    title: options.title,
    width: 2 * size,
    height: size,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: options.axis },
      y: { field: 'v', type: 'quantitative', title: options.valueTitle, scale: { zero: false } },
      // Colour and dash on the same field and title: one legend showing both, readable without colour too.
      color: { field: 'series', type: 'nominal', scale: { scheme: 'tableau10' }, title: 'curve' },
      strokeDash: { field: 'series', type: 'nominal', title: 'curve' },
    },
  };
}

/** Total, data and PDE losses against the epoch, log scale (non-positive or missing values are gaps). */
export function lossSpec(history: { epoch: number[]; loss: number[]; data: number[]; pde: number[] }, title: string): VegaLiteSpec {
  const values: Array<{ epoch: number; loss: number | null; term: string }> = [];
  const terms: Array<[string, number[]]> = [['total', history.loss], ['data', history.data], ['PDE', history.pde]];
  for (const [term, losses] of terms) {
    history.epoch.forEach((epoch, i) => values.push({ epoch, loss: losses[i]! > 0 && Number.isFinite(losses[i]!) ? losses[i]! : null, term }));
  }
  return {
    title,
    width: 2 * size,
    height: size,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'loss (log scale)' },
      color: { field: 'term', type: 'nominal', scale: { scheme: 'tableau10' }, title: 'loss' },
      strokeDash: { field: 'term', type: 'nominal', title: 'loss' },
    },
  };
}
