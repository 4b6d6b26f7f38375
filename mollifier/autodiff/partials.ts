// Partial derivatives of a pointwise network by nested tf.grad: the "honest autodiff baseline".
//
// Pointwise means row i of u(x) depends only on row i of x, so the gradient of sum(u) with respect to an
// input column holds every point's own partial derivative. Each column is a separate tensor, so a partial
// in x_j is a gradient with respect to column j alone.
//
// tf.grad re-runs its function on every call, so naive nesting would repeat the forward pass for every
// order asked. Instead one chain of nested gradients is built per "path" (the axes differentiated in turn),
// and every partial the chain passes through (including the sibling partials each level gets for free,
// since a level differentiates with respect to all columns at once) is kept as it goes by.
import { tf } from '../backend/tf.js';
import type { Tensor, Tensor2D } from '../backend/tf.js';
import { AutodiffError } from './errors.js';

/** A pointwise function of points: [N, d] -> [N, 1]. */
export type PointFunction = (x: Tensor2D) => Tensor2D;

/** How many times to differentiate in each input column, e.g. [2, 1] is ∂³/∂x²∂y. */
export type MultiIndex = readonly number[];

type ColumnFunction = (columns: Tensor2D[]) => Tensor2D;

const keyOf = (index: MultiIndex): string => index.join(',');
const totalOrder = (index: MultiIndex): number => index.reduce((sum, k) => sum + k, 0);
const withOneMore = (index: MultiIndex, axis: number): number[] => index.map((k, j) => (j === axis ? k + 1 : k));

/** Every multi-index one chain along `path` produces: its prefixes and, at each level, all sibling partials. */
export function chainCoverage(path: readonly number[], dims: number): string[] {
  let index: number[] = new Array<number>(dims).fill(0);
  const covered = [keyOf(index)];
  for (const axis of path) {
    for (let j = 0; j < dims; j += 1) covered.push(keyOf(withOneMore(index, j)));
    index = withOneMore(index, axis);
  }
  return covered;
}

/** Greedy: highest orders first, one chain per multi-index not yet covered by an earlier chain. */
export function planChains(needed: readonly MultiIndex[], dims: number): number[][] {
  const covered = new Set<string>();
  const paths: number[][] = [];
  for (const target of [...needed].sort((a, b) => totalOrder(b) - totalOrder(a))) {
    if (covered.has(keyOf(target))) continue;
    const path = target.flatMap((count, axis) => new Array<number>(count).fill(axis));
    paths.push(path);
    for (const key of chainCoverage(path, dims)) covered.add(key);
  }
  return paths;
}

// allowNoGradients: a partial that no longer depends on a column (relu's second derivative, say) is zero,
// where tf.grad would throw.
function columnGradients(f: ColumnFunction, columns: Tensor2D[]): Tensor2D[] {
  return tf.tidy(() => {
    const { grads } = tf.engine().gradients(() => tf.sum(f(columns)), columns, undefined, true);
    return columns.map((column, j) => (grads[j] ?? tf.zerosLike(column)) as Tensor2D);
  });
}

type Record = (index: MultiIndex, value: Tensor2D) => void;

function buildChain(f: ColumnFunction, path: readonly number[], dims: number, record: Record): ColumnFunction {
  let chain: ColumnFunction = (columns) => {
    const value = f(columns);
    record(new Array<number>(dims).fill(0), value);
    return value;
  };
  let index: MultiIndex = new Array<number>(dims).fill(0);
  for (const axis of path) {
    const inner = chain;
    const innerIndex = index;
    chain = (columns) => {
      const grads = columnGradients(inner, columns);
      grads.forEach((grad, j) => record(withOneMore(innerIndex, j), grad));
      return grads[axis]!;
    };
    index = withOneMore(index, axis);
  }
  return chain;
}


function checkValue(value: Tensor, points: number): void {
  if (value.rank !== 2 || value.shape[0] !== points || value.shape[1] !== 1) {
    throw new AutodiffError(`u must map [N, d] to [N, 1], got [${value.shape.join(', ')}] for N = ${points}`);
  }
}

/**
 * The partials of u at x for each multi-index in `needed` (in that order). Works inside
 * tf.variableGrads: the results stay connected to the weights of u.
 */
export function partialDerivatives(u: PointFunction, x: Tensor2D, needed: readonly MultiIndex[]): Tensor2D[] {
  if (x.rank !== 2) throw new AutodiffError(`points must be [N, d], got [${x.shape.join(', ')}]`);
  const dims = x.shape[1];
  for (const index of needed) {
    if (index.length !== dims || !index.every((k) => Number.isInteger(k) && k >= 0)) {
      throw new AutodiffError(`multi-index [${index.join(', ')}] does not fit ${dims} input columns`);
    }
  }
  if (needed.length === 0) return [];
  const wanted = new Set(needed.map(keyOf));
  // Kept (tf.keep) so that the gradient scopes they were born in do not dispose them; released in finally.
  const found = new Map<string, Tensor2D>();
  const record: Record = (index, value) => {
    const key = keyOf(index);
    if (wanted.has(key) && !found.has(key)) found.set(key, tf.keep(value));
  };
  const ownsTape = tf.engine().state.gradientDepth === 0;
  try {
    return tf.tidy(() => {
      const columns = dims === 1 ? [x] : (tf.split(x, dims, 1) as Tensor2D[]);
      const f: ColumnFunction = (cols) => {
        const value = u(dims === 1 ? cols[0]! : (tf.concat(cols, 1) as Tensor2D));
        checkValue(value, x.shape[0]);
        return value;
      };
      for (const path of planChains(needed, dims)) buildChain(f, path, dims, record)(columns);
      // Clones are ordinary tensors of this scope (and identity ops on the tape), unlike the kept originals.
      return needed.map((index) => tf.clone(found.get(keyOf(index))!));
    });
  } catch (error) {
    if (ownsTape) releaseAbandonedTape();
    throw error;
  } finally {
    for (const value of found.values()) value.dispose();
  }
}

// When a function under a gradient throws (a bad u, say), tfjs leaves the tape behind with the tensors it
// saved for the backward pass. Released only by the call that owns the tape: an enclosing
// tf.variableGrads still needs its own.
function releaseAbandonedTape(): void {
  const state = tf.engine().state;
  for (const node of state.activeTape ?? []) for (const saved of node.saved ?? []) saved.dispose();
  state.activeTape = [];
}
