// Scattered observations to a full grid, for the no-network estimate on sparse data: the polyharmonic spline that
// passes through every observation with the least bending energy (Duchon 1976): thin-plate r² log r in 2D, r³ (the
// natural cubic spline) in 1D, plus a linear polynomial, as scipy's RBFInterpolator does by default. It is smooth
// (its Laplacian exists away from the observations), which is what a derivative of the filled-in field needs;
// a piecewise-linear fill would have a Laplacian made of spikes on the triangle edges.
import { solveLinearSystem } from '../kernels/linear-solve.js';
import { ProblemError, gridCoordinates, type Grid } from './types.js';

/** Observations the dense solve takes at most (an (n+3)² system in float64: 2,000 → 32 MB, a second or two). */
export const interpolationMaxPoints = 2000;

const kernelOf = (dims: number) => (dims === 1 ? (r: number) => r * r * r : (r: number) => (r > 0 ? r * r * Math.log(r) : 0));

/** The spline through `values` at the grid nodes `indices`, evaluated at every node of the grid. */
export function interpolateOnGrid(grid: Grid, indices: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const n = indices.length;
  if (n !== values.length) throw new ProblemError(`${n} observed nodes but ${values.length} values`);
  const coordinates = gridCoordinates(grid);
  const dims = coordinates.length;
  if (n < dims + 2) throw new ProblemError(`interpolation needs at least ${dims + 2} observed nodes, got ${n}`);
  if (n > interpolationMaxPoints) throw new ProblemError(`interpolation of ${n} observed nodes: at most ${interpolationMaxPoints} (observe a smaller fraction, or every node)`);
  const point = (node: number) => coordinates.map((axis) => axis[node]!);
  const observed = Array.from(indices, point);
  const phi = kernelOf(dims);
  const distance = (a: number[], b: number[]) => Math.sqrt(a.reduce((sum, v, k) => sum + (v - b[k]!) ** 2, 0));
  // [Φ P; Pᵀ 0] [w; c] = [values; 0], P = [1, coordinates]: the polynomial part makes the spline exact on linear fields.
  const size = n + dims + 1;
  const matrix = new Float64Array(size * size);
  const rhs = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) matrix[i * size + j] = phi(distance(observed[i]!, observed[j]!));
    const poly = [1, ...observed[i]!];
    poly.forEach((p, k) => {
      matrix[i * size + n + k] = p;
      matrix[(n + k) * size + i] = p;
    });
    rhs[i] = values[i]!;
  }
  const solution = solveLinearSystem(matrix, rhs);
  if (!solution) throw new ProblemError('interpolation: the observed nodes are degenerate (all on one line?)');
  const nodes = coordinates[0]!.length;
  const out = new Float64Array(nodes);
  for (let node = 0; node < nodes; node++) {
    const x = point(node);
    let v = solution[n]! + x.reduce((sum, xk, k) => sum + solution[n + 1 + k]! * xk, 0);
    for (let i = 0; i < n; i++) v += solution[i]! * phi(distance(x, observed[i]!));
    out[node] = v;
  }
  return out;
}
