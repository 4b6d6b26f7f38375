// Partial derivatives of a pointwise network by nested reverse-mode gradients: the "honest autodiff baseline".
//
// Pointwise means row i of u(x) depends only on row i of x, so the gradient of sum(v) with respect to an
// input column holds every point's own partial derivative of v. Each column is a separate tensor, so a
// partial in x_j is a gradient with respect to column j alone.
//
// One forward pass, shared by every partial. tfjs records every op on one tape while any gradient is being
// taken (the engine's gradientDepth > 0), and a gradient call differentiates whatever path on that tape leads
// from its inputs to its output, not only the ops run inside its own function. So with the tape open, u is
// evaluated once, and each "expansion" of a partial v (one backward pass: the gradients of sum(v) with
// respect to all columns) yields all of v's children at once, itself recorded on the tape for the next
// order and for the weights' gradient. This is what nested torch.autograd.grad(create_graph=True) does; the
// older design here (one nested tf.grad chain per multi-index, each re-running the forward pass and the
// lower orders) took 1.7× as long on the Laplacian step (docs/benchmarks.md, "Autodiff").
import { tf } from '../backend/tf.js';
import type { Tensor, Tensor2D } from '../backend/tf.js';
import { AutodiffError } from './errors.js';

/** A pointwise function of points: [N, d] -> [N, 1] (or [N, k] for partialDerivativesOfOutputs). */
export type PointFunction = (x: Tensor2D) => Tensor2D;

/** How many times to differentiate in each input column, e.g. [2, 1] is ∂³/∂x²∂y. */
export type MultiIndex = readonly number[];

const keyOf = (index: MultiIndex): string => index.join(',');
const totalOrder = (index: MultiIndex): number => index.reduce((sum, k) => sum + k, 0);
const withOneMore = (index: MultiIndex, axis: number): number[] => index.map((k, j) => (j === axis ? k + 1 : k));
const withOneLess = (index: MultiIndex, axis: number): number[] => index.map((k, j) => (j === axis ? k - 1 : k));

/**
 * Which partials to expand (one backward pass each, giving all of its children) so that every needed partial
 * is reached, parents before children. Greedy: highest orders first, each reached through the parent that
 * needs the fewest new expansions given those already planned.
 */
export function planExpansions(needed: readonly MultiIndex[], dims: number): number[][] {
  const zero = new Array<number>(dims).fill(0);
  const expanded = new Map<string, number[]>();
  const reached = new Set<string>([keyOf(zero)]);
  // The expansions a partial still needs, cheapest parent first (ties: the lowest axis), in parent-first order.
  // Memoised per target: the plan does not change while one target's route is sought.
  let memo = new Map<string, number[][]>();
  const missing = (index: MultiIndex): number[][] => {
    const key = keyOf(index);
    if (reached.has(key)) return [];
    const known = memo.get(key);
    if (known) return known;
    let best: number[][] | undefined;
    for (let axis = 0; axis < dims; axis += 1) {
      if (index[axis] === 0) continue;
      const parent = withOneLess(index, axis);
      const route = [...missing(parent), parent];
      if (!best || route.length < best.length) best = route;
    }
    memo.set(key, best!);
    return best!;
  };
  const byOrder = [...needed].sort((a, b) => totalOrder(b) - totalOrder(a));
  for (const target of byOrder) {
    memo = new Map();
    for (const parent of missing(target)) {
      expanded.set(keyOf(parent), parent);
      for (let axis = 0; axis < dims; axis += 1) reached.add(keyOf(withOneMore(parent, axis)));
    }
  }
  return [...expanded.values()].sort((a, b) => totalOrder(a) - totalOrder(b));
}

// allowNoGradients: a partial that no longer depends on a column (relu's second derivative, say) is zero,
// where the engine would throw. `value` must already be on the open tape.
function columnGradients(value: Tensor2D, columns: Tensor2D[]): Tensor2D[] {
  const { grads } = tf.engine().gradients(() => tf.sum(value), columns, undefined, true);
  return columns.map((column, j) => (grads[j] ?? tf.zerosLike(column)) as Tensor2D);
}

function checkValue(value: Tensor, points: number, outputs: number): void {
  if (value.rank !== 2 || value.shape[0] !== points || value.shape[1] !== outputs) {
    throw new AutodiffError(`u must map [N, d] to [N, ${outputs}], got [${value.shape.join(', ')}] for N = ${points}`);
  }
}

// Must run with the tape open: u's forward pass and every expansion are recorded for the next one.
function partialsOnTape(u: PointFunction, x: Tensor2D, neededPerOutput: ReadonlyArray<readonly MultiIndex[]>): Tensor2D[][] {
  const dims = x.shape[1];
  const columns = dims === 1 ? [tf.clone(x)] : (tf.split(x, dims, 1) as Tensor2D[]);
  const value = u(dims === 1 ? columns[0]! : (tf.concat(columns, 1) as Tensor2D));
  const outputs = neededPerOutput.length;
  checkValue(value, x.shape[0], outputs);
  const values = outputs === 1 ? [value] : (tf.split(value, outputs, 1) as Tensor2D[]);
  return neededPerOutput.map((needed, output) => {
    const partials = new Map<string, Tensor2D>([[keyOf(new Array<number>(dims).fill(0)), values[output]!]]);
    for (const parent of planExpansions(needed, dims)) {
      const grads = columnGradients(partials.get(keyOf(parent))!, columns);
      grads.forEach((grad, axis) => {
        const key = keyOf(withOneMore(parent, axis));
        if (!partials.has(key)) partials.set(key, grad);
      });
    }
    return needed.map((index) => partials.get(keyOf(index))!);
  });
}

/**
 * The partials of each output column of u at x: `neededPerOutput[c]` lists the multi-indices wanted of column c
 * (in that order). One forward pass of u serves them all. Works inside tf.variableGrads: the results stay
 * connected to the weights of u.
 */
export function partialDerivativesOfOutputs(
  u: PointFunction,
  x: Tensor2D,
  neededPerOutput: ReadonlyArray<readonly MultiIndex[]>,
): Tensor2D[][] {
  if (x.rank !== 2) throw new AutodiffError(`points must be [N, d], got [${x.shape.join(', ')}]`);
  const dims = x.shape[1];
  for (const index of neededPerOutput.flat()) {
    if (index.length !== dims || !index.every((k) => Number.isInteger(k) && k >= 0)) {
      throw new AutodiffError(`multi-index [${index.join(', ')}] does not fit ${dims} input columns`);
    }
  }
  if (neededPerOutput.every((needed) => needed.length === 0)) return neededPerOutput.map(() => []);
  const engine = tf.engine();
  const ownsTape = engine.state.gradientDepth === 0;
  const cloneAll = (partials: Tensor2D[][], keep: boolean): Tensor2D[][] =>
    partials.map((list) => list.map((partial) => (keep ? tf.keep(tf.clone(partial)) : tf.clone(partial))));
  try {
    // Inside a gradient (a training step) the tape is open already and the results must stay on it.
    if (!ownsTape) return tf.tidy(() => cloneAll(partialsOnTape(u, x, neededPerOutput), false));
    // Outside any, one gradient call holds the tape open; its own output (the sum of x) is a throwaway.
    // Kept results outlive that call's scopes; the clones are ordinary tensors of the caller's scope.
    let kept: Tensor2D[][] = [];
    try {
      const { value, grads } = engine.gradients(() => {
        kept = cloneAll(partialsOnTape(u, x, neededPerOutput), true);
        return tf.sum(x);
      }, [x]);
      tf.dispose([value, ...grads]);
      return cloneAll(kept, false);
    } finally {
      tf.dispose(kept.flat());
    }
  } catch (error) {
    if (ownsTape) releaseAbandonedTape();
    throw error;
  }
}

/**
 * The partials of u ([N, d] -> [N, 1]) at x for each multi-index in `needed` (in that order), from one forward
 * pass of u. Works inside tf.variableGrads: the results stay connected to the weights of u.
 */
export function partialDerivatives(u: PointFunction, x: Tensor2D, needed: readonly MultiIndex[]): Tensor2D[] {
  return partialDerivativesOfOutputs(u, x, [needed])[0]!;
}

// When a function under a gradient throws (a bad u, say), tfjs leaves the tape behind with the tensors it
// saved for the backward pass. Released only by the call that owns the tape: an enclosing
// tf.variableGrads still needs its own.
function releaseAbandonedTape(): void {
  const state = tf.engine().state;
  for (const node of state.activeTape ?? []) for (const saved of node.saved ?? []) saved.dispose();
  state.activeTape = [];
}
