// Cropping fields and grids to the nodes a 'valid' kernel covers.
import type { Grid } from './types.js';

export function cropGrid(grid: Grid, trim: number): Grid {
  if (trim === 0) return grid;
  if (grid.dims === 1) return { ...grid, n: grid.n - 2 * trim, t0: grid.t0 + trim * grid.dt };
  return { ...grid, nx: grid.nx - 2 * trim, ny: grid.ny - 2 * trim, x0: grid.x0 + trim * grid.hx, y0: grid.y0 + trim * grid.hy, periodic: false };
}

export function cropField(values: Float64Array, grid: Grid, trim: number): Float64Array {
  if (trim === 0) return values;
  if (grid.dims === 1) return values.slice(trim, grid.n - trim);
  const nx = grid.nx - 2 * trim;
  const ny = grid.ny - 2 * trim;
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) out.set(values.subarray((i + trim) * grid.nx + trim, (i + trim) * grid.nx + trim + nx), i * nx);
  return out;
}
