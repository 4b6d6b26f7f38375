// Methylation-rate cases k(x, y) of the chromatin benchmark on a periodic square grid.
//   constant: k = k0 (default 1), the COMSOL k1_const case.
//   smooth:   k = k0 · (1 + 0.5 sin(2πx/L) sin(2πy/L)) (default k0 = 1), one period per side: periodic, in [k0/2, 3k0/2].
//   noisy:    k = k0 · (0.6 + ξ⁶/32), ξ iid N(0, 1) per node (default k0 = 0.5, so k = 0.3 + (ξ/2)⁶).
//             Fitted to the COMSOL file k05_lognorm_k.txt (200×200 distinct nodes): floor 0.3, median 0.3014,
//             mean 0.540, std 1.570, max 78.9, no spatial correlation (|corr| < 0.01 at lags 1-10); the model
//             gives floor 0.3, median 0.3013, mean 0.534, std 1.576, and its quantiles of log(k − 0.3) match the
//             file's from the 12th to the 99.99th percentile within 0.09.
import { ProblemError, type Grid2d } from './types.js';
import { deriveSeed, seededNormals } from './random.js';

export const rdCases = ['constant', 'smooth', 'noisy'] as const;
export type RdCase = (typeof rdCases)[number];

export const rdCaseDefaults: Record<RdCase, number> = { constant: 1, smooth: 1, noisy: 0.5 };

/** The periodic grid of an N×N simulation on [0, L)²: h = L/N, the last node one spacing before x = L. */
export function periodicSquareGrid(n: number, length = 10): Grid2d {
  if (!Number.isInteger(n) || n < 8) throw new ProblemError(`reaction-diffusion grid ${n} is too small: it needs an integer ≥ 8 nodes per axis`);
  if (!(length > 0) || !Number.isFinite(length)) throw new ProblemError(`domain length must be positive, got ${length}`);
  const h = length / n;
  return { dims: 2, nx: n, ny: n, x0: 0, y0: 0, hx: h, hy: h, periodic: true };
}

/** k per node (row-major [ny][nx]) for a case; k0 scales the case (see the header). */
export function parameterCase(kind: RdCase | string, grid: Grid2d, seed = 0, k0?: number): Float64Array {
  if (!(rdCases as readonly string[]).includes(kind)) {
    throw new ProblemError(`unknown reaction-diffusion case '${kind}' (expected one of ${rdCases.join(', ')})`);
  }
  const { nx, ny } = grid;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 8 || ny < 8) {
    throw new ProblemError(`reaction-diffusion grid ${nx}×${ny} is too small: it needs ≥ 8 nodes per axis`);
  }
  const scale = k0 ?? rdCaseDefaults[kind as RdCase];
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new ProblemError(`k must be ≥ 0 and finite, got ${scale}`);
  const size = nx * ny;
  const k = new Float64Array(size);
  if (kind === 'constant') return k.fill(scale);
  if (kind === 'smooth') {
    const lx = grid.periodic ? nx * grid.hx : (nx - 1) * grid.hx;
    const ly = grid.periodic ? ny * grid.hy : (ny - 1) * grid.hy;
    for (let i = 0; i < ny; i++) {
      const sy = Math.sin((2 * Math.PI * (grid.y0 + i * grid.hy)) / ly);
      for (let j = 0; j < nx; j++) {
        k[i * nx + j] = scale * (1 + 0.5 * Math.sin((2 * Math.PI * (grid.x0 + j * grid.hx)) / lx) * sy);
      }
    }
    return k;
  }
  const xi = seededNormals(size, deriveSeed(seed, 'rd-rate'));
  for (let m = 0; m < size; m++) {
    const x2 = xi[m]! * xi[m]!;
    k[m] = scale * (0.6 + (x2 * x2 * x2) / 32);
  }
  return k;
}
