// Steady heat benchmark, 2nd order: D(x, y) ∇²u + f(x, y) = 0 on [0, 1]², u = 0 on the
// boundary, so u solves the Poisson problem ∇²u = −f/D (a sine-transform solve).
import { ProblemError, type Grid2d, type ProblemInstance } from './types.js';
import { deriveSeed, seededNormals } from './random.js';
import { solveDirichletPoisson } from './sine-transform.js';

export const heatCases = ['constant', 'smooth', 'noisy'] as const;
export type HeatCase = (typeof heatCases)[number];

/** [choice] defaults (README.md, "Simulator choices"). */
export const heatDefaults = { nodes: 64, source: 10, noise: 0.1, constant: 1 } as const;

export interface HeatOptions {
  case?: HeatCase;
  /** Nodes per axis including the boundary (default 64). */
  nodes?: number;
  /** The known source f, a constant (default 10, positive so ∇²u never vanishes). */
  source?: number;
  /** σ of the noisy case: D = smooth · (1 + σ ξ). */
  noise?: number;
  /** D of the constant case. */
  constant?: number;
  seed?: number;
  /** D given per node (from --param-field); overrides the case. */
  diffusivity?: Float64Array;
  /** The grid, when D comes from a file (square, equal spacing); default the unit square with `nodes` per axis. */
  grid?: Grid2d;
}

export function assertHeatCase(name: string): HeatCase {
  if (!(heatCases as readonly string[]).includes(name)) {
    throw new ProblemError(`unknown heat case '${name}' (expected one of ${heatCases.join(', ')})`);
  }
  return name as HeatCase;
}

export function unitSquareGrid(nodes: number): Grid2d {
  if (!Number.isInteger(nodes) || nodes < 8) throw new ProblemError(`grid ${nodes} is too small: the heat grid needs ≥ 8 nodes per axis`);
  const h = 1 / (nodes - 1);
  return { dims: 2, nx: nodes, ny: nodes, x0: 0, y0: 0, hx: h, hy: h, periodic: false };
}

export function heatDiffusivity(grid: Grid2d, kind: HeatCase, options: { noise: number; constant: number; seed: number }): Float64Array {
  const size = grid.nx * grid.ny;
  if (kind === 'constant') return new Float64Array(size).fill(options.constant);
  const xi = kind === 'noisy' ? seededNormals(size, deriveSeed(options.seed, 'heat-diffusivity')) : undefined;
  const d = new Float64Array(size);
  for (let i = 0; i < grid.ny; i++) {
    for (let j = 0; j < grid.nx; j++) {
      const x = grid.x0 + j * grid.hx;
      const y = grid.y0 + i * grid.hy;
      const smooth = 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.sin(2 * Math.PI * y);
      d[i * grid.nx + j] = smooth * (xi ? 1 + options.noise * xi[i * grid.nx + j]! : 1);
    }
  }
  return d;
}

export function assertPositiveDiffusivity(d: Float64Array, grid: Grid2d, origin: string): void {
  for (let index = 0; index < d.length; index++) {
    if (!(d[index]! > 0)) {
      const i = Math.floor(index / grid.nx);
      const j = index % grid.nx;
      throw new ProblemError(`${origin}: D = ${d[index]} at (x, y) = (${grid.x0 + j * grid.hx}, ${grid.y0 + i * grid.hy}); D must be > 0`);
    }
  }
}

/** u on the full grid (zero boundary) for ∇²u = −f/D, 5-point Laplacian. */
export function solveSteadyHeat(grid: Grid2d, diffusivity: Float64Array, source: Float64Array): Float64Array {
  const m = grid.nx - 2;
  if (grid.nx !== grid.ny || grid.hx !== grid.hy) throw new ProblemError('the heat solver needs a square grid with equal spacing');
  const rhs = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    const node = (i + 1) * grid.nx + (j + 1);
    rhs[i * m + j] = -source[node]! / diffusivity[node]!;
  }
  const interior = solveDirichletPoisson(rhs, m, grid.hx);
  const u = new Float64Array(grid.nx * grid.ny);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) u[(i + 1) * grid.nx + (j + 1)] = interior[i * m + j]!;
  return u;
}

export function simulateHeat(options: HeatOptions = {}): ProblemInstance {
  const grid = options.grid ?? unitSquareGrid(options.nodes ?? heatDefaults.nodes);
  if (grid.nx !== grid.ny || Math.abs(grid.hx - grid.hy) > 1e-9 * grid.hx || grid.nx < 8) {
    throw new ProblemError(`the heat problem needs a square grid of ≥ 8×8 nodes with equal spacing; got ${grid.nx}×${grid.ny}, spacing ${grid.hx}×${grid.hy}`);
  }
  const nodes = grid.nx;
  const noise = options.noise ?? heatDefaults.noise;
  if (!(noise >= 0)) throw new ProblemError(`noise ${noise} must be ≥ 0`);
  const sourceValue = options.source ?? heatDefaults.source;
  if (!(sourceValue > 0)) throw new ProblemError(`source f = ${sourceValue} must be > 0 (so ∇²u never vanishes)`);
  const seed = options.seed ?? 0;
  const kind = options.diffusivity ? 'file' : assertHeatCase(options.case ?? 'smooth');
  const D = options.diffusivity ?? heatDiffusivity(grid, kind as HeatCase, { noise, constant: options.constant ?? heatDefaults.constant, seed });
  if (D.length !== nodes * nodes) throw new ProblemError(`the D field has ${D.length} nodes, the grid ${nodes}×${nodes}`);
  assertPositiveDiffusivity(D, grid, kind === 'file' ? 'the D field' : `case ${kind} with noise ${noise}`);
  const f = new Float64Array(nodes * nodes).fill(sourceValue);
  const u = solveSteadyHeat(grid, D, f);
  return { problem: 'heat', case: kind, grid, fields: { u, D, f }, parameters: { source: sourceValue, noise, solver: 'dst-5point' }, seed };
}
