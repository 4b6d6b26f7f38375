// A processed field (the STORM φ_n file, nodes on [x0, x1]) onto the analysis grid: the mean of the bilinear
// interpolant over each analysis cell (s×s samples), so a finer field is averaged, not aliased.
import { ProblemError, type Grid2d } from '../pdes/types.js';
import { nodeCoordinate, nodeSpacing, type SquareDomain } from './density.js';

function bilinear(values: Float64Array, grid: Grid2d, x: number, y: number): number {
  const fx = Math.min(grid.nx - 1, Math.max(0, (x - grid.x0) / grid.hx));
  const fy = Math.min(grid.ny - 1, Math.max(0, (y - grid.y0) / grid.hy));
  const j = Math.min(grid.nx - 2, Math.floor(fx));
  const i = Math.min(grid.ny - 2, Math.floor(fy));
  const tx = fx - j;
  const ty = fy - i;
  const at = (ii: number, jj: number) => values[ii * grid.nx + jj]!;
  return (1 - ty) * ((1 - tx) * at(i, j) + tx * at(i, j + 1)) + ty * ((1 - tx) * at(i + 1, j) + tx * at(i + 1, j + 1));
}

/** The square domain a field's nodes span, in coordinates from its first node, or a ProblemError when it is not square. */
export function fieldDomain(grid: Grid2d, n: number): SquareDomain {
  const lx = (grid.nx - 1) * grid.hx;
  const ly = (grid.ny - 1) * grid.hy;
  if (Math.abs(lx - ly) > 1e-6 * lx) throw new ProblemError(`the field spans ${lx} × ${ly}: the analysis grid is square`);
  if (n > Math.max(grid.nx, grid.ny)) throw new ProblemError(`--grid ${n} is finer than the field's ${grid.nx}×${grid.ny} nodes: it would invent detail; give --grid ≤ ${grid.nx}`);
  return { n, length: lx, periodic: false };
}

export function resampleField(values: Float64Array, grid: Grid2d, domain: SquareDomain): Float64Array {
  const h = nodeSpacing(domain);
  const s = Math.max(1, Math.ceil(h / Math.min(grid.hx, grid.hy)) + 1);
  const out = new Float64Array(domain.n * domain.n);
  for (let i = 0; i < domain.n; i++) {
    for (let j = 0; j < domain.n; j++) {
      let sum = 0;
      for (let a = 0; a < s; a++) {
        for (let b = 0; b < s; b++) {
          sum += bilinear(values, grid, grid.x0 + nodeCoordinate(domain, j) + ((b + 0.5) / s - 0.5) * h, grid.y0 + nodeCoordinate(domain, i) + ((a + 0.5) / s - 0.5) * h);
        }
      }
      out[i * domain.n + j] = sum / (s * s);
    }
  }
  return out;
}
