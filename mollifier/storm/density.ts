// Localisations → a density on the analysis grid by Nadaraya-Watson smoothing with a Gaussian kernel
// K(d) = exp(−d²/2b²) (docs/storm.md "The pipeline"):
//   ρ(x) = Σ_i K(|x − x_i|) y_i / Σ_p K(|x − p|)
// over the pixels p of the image (a square lattice of pitch `pixel` covering the domain), where y is the pixel's
// value: its localisation count (`counts`), or 1 where it holds any (`binary`, the paper's binary image). With counts
// the numerator is a sum over the localisations themselves, so no image is built; the denominator is separable and
// exact on the lattice, which corrects the edges of a non-periodic domain. Targets are done in batches, each
// target's sum over the points within `truncation`·b found through a cell list: memory is O(points + batch).
import { ProblemError } from '../pdes/types.js';
import { stormLimits } from './limits.js';

export const pixelValues = ['counts', 'binary'] as const;
export type PixelValues = (typeof pixelValues)[number];

/** A square analysis grid on [0, length]²: nodes at j·h when periodic (the simulator's layout), else at cell centres. */
export interface SquareDomain {
  n: number;
  length: number;
  periodic: boolean;
}

export const nodeSpacing = (d: SquareDomain) => d.length / d.n;
export const nodeCoordinate = (d: SquareDomain, j: number) => (d.periodic ? j : j + 0.5) * nodeSpacing(d);

export interface DensityOptions {
  bandwidth: number;
  /** Pixel pitch of the image, in domain units. */
  pixel: number;
  values: PixelValues;
  batch?: number;
}

interface PointSet {
  x: Float64Array;
  y: Float64Array;
}

/** The occupied pixels' centres (binary image) or the localisations themselves (counts). */
function pointsOf(x: Float64Array, y: Float64Array, domain: SquareDomain, options: DensityOptions): PointSet {
  if (options.values === 'counts') return { x, y };
  const side = Math.ceil(domain.length / options.pixel);
  const occupied = new Set<number>();
  for (let i = 0; i < x.length; i++) {
    const px = Math.min(side - 1, Math.floor(x[i]! / options.pixel));
    const py = Math.min(side - 1, Math.floor(y[i]! / options.pixel));
    occupied.add(py * side + px);
  }
  const out = { x: new Float64Array(occupied.size), y: new Float64Array(occupied.size) };
  let k = 0;
  for (const cell of occupied) {
    out.x[k] = ((cell % side) + 0.5) * options.pixel;
    out.y[k++] = (Math.floor(cell / side) + 0.5) * options.pixel;
  }
  return out;
}

/**
 * Σ over the lattice's pixel centres along one axis of exp(−(t − p)²/2b²), truncated as the numerator is; on a periodic
 * domain each pixel once, at its nearest image, as the numerator counts each point.
 */
function latticeSum(t: number, domain: SquareDomain, b: number, pixel: number): number {
  const reach = stormLimits.truncation * b;
  const side = Math.ceil(domain.length / pixel);
  const weight = (d: number) => (Math.abs(d) <= reach ? Math.exp((-d * d) / (2 * b * b)) : 0);
  let sum = 0;
  if (domain.periodic) {
    for (let m = 0; m < side; m++) {
      const d = t - (m + 0.5) * pixel;
      sum += weight(d - domain.length * Math.round(d / domain.length));
    }
    return sum;
  }
  const lo = Math.max(0, Math.floor((t - reach) / pixel - 0.5));
  const hi = Math.min(side - 1, Math.ceil((t + reach) / pixel - 0.5));
  for (let m = lo; m <= hi; m++) sum += weight(t - (m + 0.5) * pixel);
  return sum;
}

/** Localisations per unit area at each node of the grid, row-major (rows along y); positions in [0, length)². */
export function nadarayaWatsonDensity(x: Float64Array, y: Float64Array, domain: SquareDomain, options: DensityOptions): Float64Array {
  const { bandwidth: b, pixel } = options;
  if (!(b > 0) || !Number.isFinite(b)) throw new ProblemError(`bandwidth ${b} must be a positive number`);
  if (!(pixel > 0) || pixel > domain.length) throw new ProblemError(`pixel ${pixel} must be in (0, ${domain.length}]`);
  const points = pointsOf(x, y, domain, options);
  const reach = stormLimits.truncation * b;
  const L = domain.length;
  // Cell list: cells of side ≥ reach, so a target's points lie in its 3×3 block of cells.
  const cells = Math.max(1, Math.floor(L / reach));
  const side = L / cells;
  const cellOf = (v: number) => Math.min(cells - 1, Math.max(0, Math.floor(v / side)));
  const start = new Int32Array(cells * cells + 1);
  const count = points.x.length;
  for (let i = 0; i < count; i++) start[cellOf(points.y[i]!) * cells + cellOf(points.x[i]!) + 1]!++;
  for (let c = 0; c < cells * cells; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, cells * cells);
  const sx = new Float64Array(count);
  const sy = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const c = cellOf(points.y[i]!) * cells + cellOf(points.x[i]!);
    const at = fill[c]!++;
    sx[at] = points.x[i]!;
    sy[at] = points.y[i]!;
  }
  const n = domain.n;
  const axisSums = Float64Array.from({ length: n }, (_, j) => latticeSum(nodeCoordinate(domain, j), domain, b, pixel));
  const out = new Float64Array(n * n);
  const twoB2 = 2 * b * b;
  const reach2 = reach * reach;
  const batch = options.batch ?? stormLimits.densityBatch;
  const wrap = (d: number) => (domain.periodic ? d - L * Math.round(d / L) : d);
  const cellSum = (tx: number, ty: number): number => {
    const cx = cellOf(tx);
    const cy = cellOf(ty);
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++) {
      let ny = cy + dy;
      if (ny < 0 || ny >= cells) {
        if (!domain.periodic) continue;
        ny = (ny + cells) % cells;
      }
      for (let dx = -1; dx <= 1; dx++) {
        let nx = cx + dx;
        if (nx < 0 || nx >= cells) {
          if (!domain.periodic) continue;
          nx = (nx + cells) % cells;
        }
        const c = ny * cells + nx;
        for (let i = start[c]!; i < start[c + 1]!; i++) {
          const ddx = wrap(tx - sx[i]!);
          const ddy = wrap(ty - sy[i]!);
          const d2 = ddx * ddx + ddy * ddy;
          if (d2 <= reach2) sum += Math.exp(-d2 / twoB2);
        }
      }
    }
    return sum;
  };
  for (let first = 0; first < n * n; first += batch) {
    const last = Math.min(n * n, first + batch);
    for (let node = first; node < last; node++) {
      const tx = nodeCoordinate(domain, node % n);
      const ty = nodeCoordinate(domain, Math.floor(node / n));
      const cx = cellOf(tx);
      const cy = cellOf(ty);
      // Fewer than 3 cells per axis would visit a cell twice: then every point is summed once, directly.
      const sum = cells < 3 ? directSum(tx, ty, sx, sy, twoB2, reach2, wrap) : cellSum(tx, ty);
      out[node] = sum / (axisSums[node % n]! * axisSums[Math.floor(node / n)]! * pixel * pixel);
    }
  }
  return out;
}

function directSum(tx: number, ty: number, sx: Float64Array, sy: Float64Array, twoB2: number, reach2: number, wrap: (d: number) => number): number {
  let sum = 0;
  for (let i = 0; i < sx.length; i++) {
    const dx = wrap(tx - sx[i]!);
    const dy = wrap(ty - sy[i]!);
    const d2 = dx * dx + dy * dy;
    if (d2 <= reach2) sum += Math.exp(-d2 / twoB2);
  }
  return sum;
}

/**
 * The default bandwidth [choice]: the smallest whose kernel holds `count` localisations on average (Poisson relative
 * noise 1/√count), b = √(count / (2π λ̄)) with λ̄ the mean density, and at least half the node spacing (a narrower
 * kernel falls between nodes). Scott's rule (σ n^(−1/6)) was not taken: it is made for one-bump densities and
 * smooths a nucleus's domains away.
 */
export function defaultBandwidth(localisations: number, domain: SquareDomain, count: number): number {
  const meanDensity = localisations / (domain.length * domain.length);
  return Math.max(Math.sqrt(count / (2 * Math.PI * meanDensity)), nodeSpacing(domain) / 2);
}
