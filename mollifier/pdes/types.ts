// What a problem instance is, independent of how it was made (simulated, read from CSV or COMSOL).
// Fields are float64, 2D fields row-major with rows along y: value(i, j) = field[i * nx + j] at
// (x0 + j·hx, y0 + i·hy).
import { InputError } from '../errors.js';

export const problemNames = ['langevin', 'heat', 'rd', 'decay'] as const;
export type ProblemName = (typeof problemNames)[number];

export interface Grid1d {
  dims: 1;
  n: number;
  /** First node (time) and spacing. */
  t0: number;
  dt: number;
}

export interface Grid2d {
  dims: 2;
  nx: number;
  ny: number;
  x0: number;
  y0: number;
  hx: number;
  hy: number;
  /** True for a periodic domain whose last node is one spacing before the first's periodic image. */
  periodic: boolean;
}

export type Grid = Grid1d | Grid2d;

/** Field names of each problem, in CSV column order (after the coordinates). */
export const problemFields: Record<ProblemName, readonly string[]> = {
  langevin: ['v', 'F'],
  heat: ['u', 'D', 'f'],
  rd: ['phi_n', 'phi_d', 'k'],
  decay: ['u', 'lambda'],
};

/** The grid dimension of each problem's instances. */
export const problemDims: Record<ProblemName, 1 | 2> = { langevin: 1, heat: 2, rd: 2, decay: 1 };

/** The parameter of each problem: unknown in the inverse problems, known in the forward one (decay's rate). */
export const problemParameter: Record<ProblemName, string> = { langevin: 'F', heat: 'D', rd: 'k', decay: 'lambda' };

export const isProblemName = (name: string): name is ProblemName => (problemNames as readonly string[]).includes(name);

/** What an instance of a problem holds: its grid's dimension and its fields, in CSV column order. */
export interface InstanceShape {
  dims: 1 | 2;
  fields: readonly string[];
  /** Fields an instance may leave out: the parameter, whose truth a measured instance (a STORM field) does not have. */
  optional?: readonly string[];
}

/** The shape of a problem's instances by name (a user's problem adds its own: problems/shape.ts). */
export type InstanceShapes = (problem: string) => InstanceShape | undefined;

export const builtinInstanceShapes: InstanceShapes = (problem) =>
  isProblemName(problem) ? { dims: problemDims[problem], fields: problemFields[problem], optional: [problemParameter[problem]] } : undefined;

export interface ProblemInstance {
  /** The problem's name: a built-in one or a user's (problems/types.ts). */
  problem: string;
  /** The parameter case ('constant', 'smooth', ..., or 'file' for a --param-field). */
  case: string;
  grid: Grid;
  /** Every field of the problem, each of length n (1D) or nx·ny (2D). */
  fields: Record<string, Float64Array>;
  /** Settings that made the instance (noise level, k, f, steps taken, residual reached, ...). */
  parameters: Record<string, number | string | boolean | null>;
  seed: number;
}

/** Bad user data or options: the CLI prints the message (which names the file, line or value) and exits 2. */
export class ProblemError extends InputError {
  override name = 'ProblemError';
}

export function gridSize(grid: Grid): number {
  return grid.dims === 1 ? grid.n : grid.nx * grid.ny;
}

/** Coordinates of every node: [t] in 1D, [x, y] in 2D. */
export function gridCoordinates(grid: Grid): Float64Array[] {
  if (grid.dims === 1) return [Float64Array.from({ length: grid.n }, (_, i) => grid.t0 + i * grid.dt)];
  const x = new Float64Array(grid.nx * grid.ny);
  const y = new Float64Array(grid.nx * grid.ny);
  for (let i = 0; i < grid.ny; i++) {
    for (let j = 0; j < grid.nx; j++) {
      x[i * grid.nx + j] = grid.x0 + j * grid.hx;
      y[i * grid.nx + j] = grid.y0 + i * grid.hy;
    }
  }
  return [x, y];
}
