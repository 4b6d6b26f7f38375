// Regular grids inferred from node coordinates given in any row order. Pure.
// Coordinates equal within 1e-6 of the largest gap are one grid line (exports carry ~1e-13 noise); grid lines
// must be uniformly spaced within 1e-6 of the spacing; every (x, y) must occur exactly once.
import { ProblemError, type Grid1d, type Grid2d } from '../pdes/types.js';
import { formatNumber as f } from './numbers.js';

/** Relative tolerance of grid inference, as a fraction of the spacing. */
export const gridTolerance = 1e-6;

export interface InferredGrid<G> {
  grid: G;
  /** order[node] = the source row at that node (nodes row-major, rows along y). */
  order: Int32Array;
}

interface Axis {
  name: string;
  /** Grid-line coordinates, ascending (each the most frequent value among its rows). */
  centers: Float64Array;
  /** Grid line of each row. */
  line: Int32Array;
  /** Rows on each grid line, and the first row (file order) on it. */
  count: Int32Array;
  firstRow: Int32Array;
  start: number;
  spacing: number;
}

function clusterAxis(values: Float64Array, name: string, file: string): Axis {
  const n = values.length;
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  let maxGap = 0;
  for (let k = 1; k < n; k++) maxGap = Math.max(maxGap, values[sorted[k]!]! - values[sorted[k - 1]!]!);
  if (maxGap === 0) {
    throw new ProblemError(`${file}: only one distinct ${name} value (${name} = ${f(values[0]!)}); a grid needs at least two`);
  }
  const tol = gridTolerance * maxGap;
  const line = new Int32Array(n);
  const centers: number[] = [];
  const count: number[] = [];
  const firstRow: number[] = [];
  let begin = 0;
  while (begin < n) {
    const base = values[sorted[begin]!]!;
    let end = begin + 1;
    while (end < n && values[sorted[end]!]! - base <= tol) end++;
    // Centre: the most frequent value (the exact value an export repeats, e.g. 0 or 10), ties to the lowest.
    let best = base;
    let bestRun = 0;
    let first = sorted[begin]!;
    for (let k = begin; k < end; ) {
      let m = k;
      while (m < end && values[sorted[m]!] === values[sorted[k]!]) m++;
      if (m - k > bestRun) [best, bestRun] = [values[sorted[k]!]!, m - k];
      k = m;
    }
    for (let k = begin; k < end; k++) {
      line[sorted[k]!] = centers.length;
      first = Math.min(first, sorted[k]!);
    }
    centers.push(best);
    count.push(end - begin);
    firstRow.push(first);
    begin = end;
  }
  const m = centers.length;
  const start = centers[0]!;
  const spacing = (centers[m - 1]! - start) / (m - 1);
  return { name, centers: Float64Array.from(centers), line, count: Int32Array.from(count), firstRow: Int32Array.from(firstRow), start, spacing };
}

/** Grid lines uniformly spaced, and every row within tolerance of its grid line. */
function checkUniform(axis: Axis, values: Float64Array, lines: Int32Array, file: string): void {
  const { name, centers, start, spacing: h, firstRow } = axis;
  const tol = gridTolerance * h;
  const uniform = centers.every((c, k) => Math.abs(c - (start + k * h)) <= tol);
  if (!uniform) {
    // Name the first gap that differs from the median gap; else the first grid line off x0 + k·h.
    const gaps = Array.from({ length: centers.length - 1 }, (_, k) => centers[k + 1]! - centers[k]!);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    const k = gaps.findIndex((gap) => Math.abs(gap - median) > tol);
    if (k >= 0) {
      throw new ProblemError(
        `${file} line ${lines[firstRow[k + 1]!]}: ${name} spacing is not uniform: gap ${f(gaps[k]!)} between ${name} = ${f(centers[k]!)} ` +
          `and ${name} = ${f(centers[k + 1]!)}, while the median gap is ${f(median)} (tolerance ${gridTolerance} of the spacing)`,
      );
    }
  }
  for (let k = 0; k < centers.length; k++) {
    if (Math.abs(centers[k]! - (start + k * h)) > tol) {
      throw new ProblemError(
        `${file} line ${lines[firstRow[k]!]}: ${name} spacing is not uniform: ${name} = ${f(centers[k]!)} is off ` +
          `${name}0 + ${k}·h = ${f(start + k * h)} (h = ${f(h)}) by more than ${gridTolerance} of h`,
      );
    }
  }
  for (let r = 0; r < values.length; r++) {
    const node = start + axis.line[r]! * h;
    if (Math.abs(values[r]! - node) > tol) {
      throw new ProblemError(
        `${file} line ${lines[r]}: ${name} = ${f(values[r]!)} is not on the regular grid: nearest grid line ${name} = ${f(node)}, ` +
          `off by more than ${gridTolerance} of the spacing ${f(h)}`,
      );
    }
  }
}

/** A uniform 1D grid from node coordinates `t` (any order, each exactly once). */
export function inferGrid1d(t: Float64Array, lines: Int32Array, file: string, name = 't'): InferredGrid<Grid1d> {
  const axis = clusterAxis(t, name, file);
  const order = new Int32Array(axis.centers.length);
  const seen = new Int32Array(axis.centers.length).fill(-1);
  for (let r = 0; r < t.length; r++) {
    const k = axis.line[r]!;
    if (seen[k]! >= 0) {
      throw new ProblemError(`${file} line ${lines[r]}: duplicate ${name} = ${f(t[r]!)} (also at line ${lines[seen[k]!]})`);
    }
    seen[k] = r;
    order[k] = r;
  }
  checkUniform(axis, t, lines, file);
  return { grid: { dims: 1, n: axis.centers.length, t0: axis.start, dt: axis.spacing }, order };
}

/** A uniform 2D grid (non-periodic) from node coordinates (any order, every (x, y) exactly once). */
export function inferGrid2d(
  x: Float64Array,
  y: Float64Array,
  lines: Int32Array,
  file: string,
  names: readonly [string, string] = ['x', 'y'],
): InferredGrid<Grid2d> {
  const [xn, yn] = names;
  const ax = clusterAxis(x, xn, file);
  const ay = clusterAxis(y, yn, file);
  const nx = ax.centers.length;
  const ny = ay.centers.length;
  const rows = x.length;
  const order = new Int32Array(nx * ny).fill(-1);
  const point = (r: number) => `(${xn} = ${f(x[r]!)}, ${yn} = ${f(y[r]!)})`;
  for (let r = 0; r < rows; r++) {
    const node = ay.line[r]! * nx + ax.line[r]!;
    if (order[node]! >= 0) throw new ProblemError(`${file} line ${lines[r]}: duplicate point ${point(r)}, also at line ${lines[order[node]!]}`);
    order[node] = r;
  }
  if (rows !== nx * ny) {
    // A stray point makes a grid line of its own with few rows; a missing point leaves its lines one short.
    let worst: { axis: Axis; k: number; expected: number } | null = null;
    for (const [axis, expected] of [[ax, ny], [ay, nx]] as const) {
      for (let k = 0; k < axis.count.length; k++) {
        if (worst === null || axis.count[k]! / expected < worst.axis.count[worst.k]! / worst.expected) worst = { axis, k, expected };
      }
    }
    if (worst !== null && 2 * worst.axis.count[worst.k]! < worst.expected) {
      const { axis, k } = worst;
      const r = axis.firstRow[k]!;
      const others = Math.max(...Array.from(axis.count).filter((_, i) => i !== k));
      throw new ProblemError(
        `${file} line ${lines[r]}: point ${point(r)} is not on a regular grid: ${axis.name} = ${f(axis.centers[k]!)} occurs in ` +
          `${axis.count[k]} row${axis.count[k] === 1 ? '' : 's'}, the other ${axis.name} values in up to ${others} rows each`,
      );
    }
    const node = order.indexOf(-1);
    const i = Math.floor(node / nx);
    const j = node % nx;
    throw new ProblemError(
      `${file}: ${rows} data rows, not nx·ny = ${nx}×${ny} = ${nx * ny}: no row for point ` +
        `(${xn} = ${f(ax.centers[j]!)}, ${yn} = ${f(ay.centers[i]!)})`,
    );
  }
  checkUniform(ax, x, lines, file);
  checkUniform(ay, y, lines, file);
  return {
    grid: { dims: 2, nx, ny, x0: ax.start, y0: ay.start, hx: ax.spacing, hy: ay.spacing, periodic: false },
    order,
  };
}

/** values[order[node]] for every node: a column in row-major node order. */
export function reorder(values: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]!]!;
  return out;
}
