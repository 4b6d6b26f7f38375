// Smoothing a field at the kernel scale, in plain float64 with no tensors: the truth a mollified estimate
// can at best recover is the truth convolved with the same value kernel ("a fair spatial
// metric compares against the truth smoothed at the kernel scale").
//
// Same conventions as the mollifier layer (mollifier/layer/): cross-correlation orientation
//   out[i] = Σ_{m=-R..R} w[m+R] · g[i+m],
// 2D fields row-major with rows along y (value(i, j) = g[i·nx + j]); the 2D value kernel is the product
// kernel wy ⊗ wx of kernelWeights2d(operator 'value'), applied here as two 1D passes (x, then y), which is
// the same sum in a different order. Boundaries: 'valid' keeps only the nodes the kernel fully covers
// (each axis shortened by 2R, the grid cropped accordingly); 'reflect' mirrors without repeating the edge
// node (g[-1] = g[1]); 'periodic' wraps (g[-1] = g[n-1]).
import { InputError } from '../errors.js';
import { kernelWeights1d, type KernelFamily } from '../kernels/index.js';
import { defaultFamily, defaultRadius } from '../layer/defaults.js';
import type { Grid } from '../pdes/types.js';

export const smoothingBoundaries = ['valid', 'reflect', 'periodic'] as const;
export type SmoothingBoundary = (typeof smoothingBoundaries)[number];

/** Bad input to a metric (lengths that differ, a kernel that does not fit the grid). */
export class MetricsError extends InputError {
  override name = 'MetricsError';
}

export interface SmoothingKernel {
  /** Kernel family (default the layer's default, 'bump'). */
  family?: KernelFamily;
  /** Half-width in grid cells (default the layer's default, 4). */
  radius?: number;
  /** Default: 'periodic' on a periodic 2D grid, else 'valid' (as the trainer and the separable estimate). */
  boundary?: SmoothingBoundary;
  /** Moment correction of the 1D factors (default true, as the layer). A no-op for the value kernel up to rounding. */
  momentCorrection?: boolean;
}

export interface SmoothedField {
  /** The smoothed field, float64, on `grid`. */
  values: Float64Array;
  /** The input grid, or for 'valid' the interior grid (each axis shortened by 2·trim, origin moved by trim nodes). */
  grid: Grid;
  /** Nodes removed at each end of each axis: the radius for 'valid', else 0. */
  trim: number;
  boundary: SmoothingBoundary;
  family: string;
  radius: number;
}

export function assertSmoothingBoundary(name: string): SmoothingBoundary {
  if (!(smoothingBoundaries as readonly string[]).includes(name)) {
    throw new MetricsError(`unknown boundary mode '${name}' (expected one of ${smoothingBoundaries.join(', ')})`);
  }
  return name as SmoothingBoundary;
}

/** The boundary mode a grid gets by default: periodic for a periodic 2D grid, else valid. */
export function defaultSmoothingBoundary(grid: Grid): SmoothingBoundary {
  return grid.dims === 2 && grid.periodic ? 'periodic' : 'valid';
}

function neededNodes(radius: number, boundary: SmoothingBoundary): number {
  return boundary === 'valid' ? 2 * radius + 1 : boundary === 'reflect' ? radius + 1 : radius;
}

/** Whether every axis of the grid is long enough for the kernel under its boundary mode (else smoothField throws). */
export function smoothingFits(grid: Grid, kernel: SmoothingKernel = {}): boolean {
  const radius = kernel.radius ?? defaultRadius;
  const needed = neededNodes(radius, assertSmoothingBoundary(kernel.boundary ?? defaultSmoothingBoundary(grid)));
  return grid.dims === 1 ? grid.n >= needed : grid.nx >= needed && grid.ny >= needed;
}

/** Same minimum sizes as the layer's assertAxisFits. */
function assertAxisFits(size: number, radius: number, boundary: SmoothingBoundary, axisName: string): void {
  const needed = neededNodes(radius, boundary);
  if (size < needed) {
    throw new MetricsError(`grid ${axisName} has ${size} nodes, too few for radius ${radius} with boundary '${boundary}' (needs ≥ ${needed})`);
  }
}

function sourceIndex(j: number, n: number, boundary: SmoothingBoundary): number {
  if (j >= 0 && j < n) return j;
  if (boundary === 'periodic') return ((j % n) + n) % n;
  // reflect (radius ≤ n − 1, so one mirror suffices)
  return j < 0 ? -j : 2 * (n - 1) - j;
}

/**
 * Correlate `count` lines of `n` samples each: line l starts at start(l) with stride `stride` in `input`;
 * output line l starts at outStart(l) with stride `outStride`.
 */
function correlateLines(
  input: ArrayLike<number>,
  output: Float64Array,
  weights: Float64Array,
  n: number,
  boundary: SmoothingBoundary,
  lines: number,
  lineStart: (l: number) => number,
  stride: number,
  outLineStart: (l: number) => number,
  outStride: number,
): void {
  const radius = (weights.length - 1) / 2;
  const outLength = boundary === 'valid' ? n - 2 * radius : n;
  const offset = boundary === 'valid' ? radius : 0;
  for (let l = 0; l < lines; l++) {
    const base = lineStart(l);
    const outBase = outLineStart(l);
    for (let i = 0; i < outLength; i++) {
      const centre = i + offset;
      let sum = 0;
      for (let m = -radius; m <= radius; m++) sum += weights[m + radius]! * input[base + sourceIndex(centre + m, n, boundary) * stride]!;
      output[outBase + i * outStride] = sum;
    }
  }
}

function croppedGrid(grid: Grid, trim: number): Grid {
  if (trim === 0) return grid;
  if (grid.dims === 1) return { ...grid, n: grid.n - 2 * trim, t0: grid.t0 + trim * grid.dt };
  return { ...grid, nx: grid.nx - 2 * trim, ny: grid.ny - 2 * trim, x0: grid.x0 + trim * grid.hx, y0: grid.y0 + trim * grid.hy, periodic: false };
}

/**
 * The field convolved with the value kernel of `family` and `radius` (the layer's 'value' output), float64.
 * Non-finite input values propagate to every output node whose window holds them.
 */
export function smoothField(values: ArrayLike<number>, grid: Grid, kernel: SmoothingKernel = {}): SmoothedField {
  const family = kernel.family ?? defaultFamily;
  const radius = kernel.radius ?? defaultRadius;
  const boundary = assertSmoothingBoundary(kernel.boundary ?? defaultSmoothingBoundary(grid));
  const correction = kernel.momentCorrection ?? true;
  const trim = boundary === 'valid' ? radius : 0;
  if (grid.dims === 1) {
    if (values.length !== grid.n) throw new MetricsError(`smoothField: ${values.length} values on a grid of ${grid.n} nodes`);
    const weights = kernelWeights1d({ family, radius, spacing: grid.dt, order: 0, momentCorrection: correction });
    assertAxisFits(grid.n, radius, boundary, 'of length');
    const out = new Float64Array(grid.n - 2 * trim);
    correlateLines(values, out, weights, grid.n, boundary, 1, () => 0, 1, () => 0, 1);
    return { values: out, grid: croppedGrid(grid, trim), trim, boundary, family, radius };
  }
  const { nx, ny } = grid;
  if (values.length !== nx * ny) throw new MetricsError(`smoothField: ${values.length} values on a ${ny}×${nx} grid`);
  const wx = kernelWeights1d({ family, radius, spacing: grid.hx, order: 0, momentCorrection: correction });
  const wy = kernelWeights1d({ family, radius, spacing: grid.hy, order: 0, momentCorrection: correction });
  assertAxisFits(ny, radius, boundary, 'rows (y)');
  assertAxisFits(nx, radius, boundary, 'columns (x)');
  const ox = nx - 2 * trim;
  const oy = ny - 2 * trim;
  // Pass 1 along x: every row, [ny, ox].
  const alongX = new Float64Array(ny * ox);
  correlateLines(values, alongX, wx, nx, boundary, ny, (r) => r * nx, 1, (r) => r * ox, 1);
  // Pass 2 along y: every column of the intermediate, [oy, ox].
  const out = new Float64Array(oy * ox);
  correlateLines(alongX, out, wy, ny, boundary, ox, (c) => c, ox, (c) => c, ox);
  return { values: out, grid: croppedGrid(grid, trim), trim, boundary, family, radius };
}

/** The nodes of a field that a 'valid' kernel of this trim keeps (the crop smoothField applies), float64. */
export function cropToInterior(values: ArrayLike<number>, grid: Grid, trim: number): Float64Array {
  if (grid.dims === 1) {
    if (values.length !== grid.n) throw new MetricsError(`cropToInterior: ${values.length} values on a grid of ${grid.n} nodes`);
    return Float64Array.from({ length: grid.n - 2 * trim }, (_, i) => values[i + trim]!);
  }
  const { nx, ny } = grid;
  if (values.length !== nx * ny) throw new MetricsError(`cropToInterior: ${values.length} values on a ${ny}×${nx} grid`);
  const ox = nx - 2 * trim;
  const oy = ny - 2 * trim;
  const out = new Float64Array(Math.max(0, ox) * Math.max(0, oy));
  for (let i = 0; i < oy; i++) for (let j = 0; j < ox; j++) out[i * ox + j] = values[(i + trim) * nx + j + trim]!;
  return out;
}
