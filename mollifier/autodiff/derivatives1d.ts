import type { Tensor2D } from '../backend/tf.js';
import { AutodiffError } from './errors.js';
import { partialDerivatives, partialDerivativesOfOutputs, type PointFunction } from './partials.js';

/** Highest order offered: what the benchmarks need (4th-order PDEs); each order doubles the graph. */
export const maxOrder1d = 4;

function checkOrder(order: number, lowest: number): void {
  if (!Number.isInteger(order) || order < lowest || order > maxOrder1d) {
    throw new AutodiffError(`derivative order ${order} is not an integer in ${lowest}..${maxOrder1d}`);
  }
}

function checkColumn(x: Tensor2D): void {
  if (x.rank !== 2 || x.shape[1] !== 1) {
    throw new AutodiffError(`1D points must be [N, 1], got [${x.shape.join(', ')}]`);
  }
}

/** d^order u / dx^order at each point of x ([N, 1]). */
export function derivative1d(u: PointFunction, x: Tensor2D, order: 1 | 2 | 3 | 4): Tensor2D {
  checkOrder(order, 1);
  checkColumn(x);
  return partialDerivatives(u, x, [[order]])[0]!;
}

/** Several orders at once (0 is the value), in the order asked; lower orders come free with the highest. */
export function derivatives1d(u: PointFunction, x: Tensor2D, orders: readonly number[]): Tensor2D[] {
  for (const order of orders) checkOrder(order, 0);
  checkColumn(x);
  return partialDerivatives(u, x, orders.map((order) => [order]));
}

/** Several orders of each output column of u ([N, 1] -> [N, k]): `perOutput[c]` for column c, from one forward pass. */
export function derivatives1dOfOutputs(u: PointFunction, x: Tensor2D, perOutput: ReadonlyArray<readonly number[]>): Tensor2D[][] {
  for (const order of perOutput.flat()) checkOrder(order, 0);
  checkColumn(x);
  return partialDerivativesOfOutputs(u, x, perOutput.map((orders) => orders.map((order) => [order])));
}
