// Periodic exports (COMSOL) repeat the periodic edge: nodes at x = x0 and x = x0 + period both present, with
// equal values, likewise in y. Pure.
import type { Grid2d } from '../pdes/types.js';

/** Values on the last grid line equal those on the first within this fraction of max(1, max |value|). */
export const edgeTolerance = 1e-9;

export interface EdgeCheck {
  /** Last column equals the first in every row / last row equals the first in every column. */
  x: boolean;
  y: boolean;
}

export function repeatedEdges(grid: Grid2d, values: Float64Array): EdgeCheck {
  const { nx, ny } = grid;
  let scale = 1;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  const tol = edgeTolerance * scale;
  let x = nx > 2;
  for (let i = 0; x && i < ny; i++) x = Math.abs(values[i * nx]! - values[i * nx + nx - 1]!) <= tol;
  let y = ny > 2;
  for (let j = 0; y && j < nx; j++) y = Math.abs(values[j]! - values[(ny - 1) * nx + j]!) <= tol;
  return { x, y };
}

export interface PeriodicField {
  grid: Grid2d;
  values: Float64Array;
  /** True when the last column and row were dropped (grid.periodic is then true). */
  droppedPeriodicEdge: boolean;
  repeatedEdges: EdgeCheck;
}

/**
 * What to do with the last column and row: 'detect' drops them when both repeat the first ones (a field
 * constant along its edges, e.g. a constant k, counts as repeating); 'drop' drops them regardless (a periodic
 * export whose field is not itself periodic, e.g. COMSOL's per-node noisy k); 'keep' never drops.
 */
export type PeriodicEdgeMode = 'detect' | 'drop' | 'keep';

/**
 * Drops the repeated periodic edge per `mode`, returning a periodic grid of (nx − 1)×(ny − 1) nodes;
 * otherwise returns the field unchanged (grid.periodic as given).
 */
export function dropRepeatedEdge(grid: Grid2d, values: Float64Array, mode: PeriodicEdgeMode = 'detect'): PeriodicField {
  const edges = repeatedEdges(grid, values);
  const drop = mode === 'drop' || (mode === 'detect' && edges.x && edges.y);
  if (!drop) return { grid, values, droppedPeriodicEdge: false, repeatedEdges: edges };
  const nx = grid.nx - 1;
  const ny = grid.ny - 1;
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) out.set(values.subarray(i * grid.nx, i * grid.nx + nx), i * nx);
  return { grid: { ...grid, nx, ny, periodic: true }, values: out, droppedPeriodicEdge: true, repeatedEdges: edges };
}
