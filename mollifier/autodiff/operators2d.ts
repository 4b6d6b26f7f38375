import { tf } from '../backend/tf.js';
import type { Tensor2D } from '../backend/tf.js';
import { AutodiffError } from './errors.js';
import { partialDerivativesOfOutputs, type MultiIndex, type PointFunction } from './partials.js';

export const operatorNames2d = ['value', 'dx', 'dy', 'dxx', 'dyy', 'dxy', 'laplacian', 'biharmonic'] as const;
export type Operator2d = (typeof operatorNames2d)[number];

/** Each operator as Σ coefficient · ∂x^a ∂y^b u, with [a, b] the multi-index. */
const terms: Record<Operator2d, ReadonlyArray<readonly [number, MultiIndex]>> = {
  value: [[1, [0, 0]]],
  dx: [[1, [1, 0]]],
  dy: [[1, [0, 1]]],
  dxx: [[1, [2, 0]]],
  dyy: [[1, [0, 2]]],
  dxy: [[1, [1, 1]]],
  laplacian: [
    [1, [2, 0]],
    [1, [0, 2]],
  ],
  // Δ(Δu) expanded: the same value as nesting the Laplacian, with three 4th-order chains instead of four.
  biharmonic: [
    [1, [4, 0]],
    [2, [2, 2]],
    [1, [0, 4]],
  ],
};

function checkOperator(name: string): asserts name is Operator2d {
  if (!(operatorNames2d as readonly string[]).includes(name)) {
    throw new AutodiffError(`unknown 2D operator '${name}' (expected one of ${operatorNames2d.join(', ')})`);
  }
}

/**
 * The asked operators of u at the points xy ([N, 2], column 0 = x, column 1 = y), in the order asked.
 * Partials shared between operators are computed once.
 */
export function operators2d(u: PointFunction, xy: Tensor2D, operators: readonly Operator2d[]): Tensor2D[] {
  return operators2dOfOutputs(u, xy, [operators])[0]!;
}

/**
 * The operators of each output column of u ([N, 2] -> [N, k]): `perOutput[c]` lists those of column c, in the
 * order asked. One forward pass of u serves every column; partials shared between operators are computed once.
 */
export function operators2dOfOutputs(u: PointFunction, xy: Tensor2D, perOutput: ReadonlyArray<readonly Operator2d[]>): Tensor2D[][] {
  perOutput.flat().forEach((name) => checkOperator(name));
  if (xy.rank !== 2 || xy.shape[1] !== 2) {
    throw new AutodiffError(`2D points must be [N, 2], got [${xy.shape.join(', ')}]`);
  }
  // Each distinct partial of a column once, however many of its operators share it.
  const wanted = perOutput.map((operators) => {
    const byKey = new Map<string, MultiIndex>();
    for (const name of operators) for (const [, index] of terms[name]) byKey.set(index.join(','), index);
    return byKey;
  });
  return tf.tidy(() => {
    const partials = partialDerivativesOfOutputs(u, xy, wanted.map((byKey) => [...byKey.values()]));
    return perOutput.map((operators, output) => {
      const keys = [...wanted[output]!.keys()];
      const partial = (index: MultiIndex): Tensor2D => partials[output]![keys.indexOf(index.join(','))]!;
      return operators.map((name) => {
        const scaled = terms[name].map(([coefficient, index]) => (coefficient === 1 ? partial(index) : tf.mul(partial(index), coefficient)));
        return (scaled.length === 1 ? tf.clone(scaled[0]!) : tf.addN(scaled)) as Tensor2D;
      });
    });
  });
}

export function laplacian2d(u: PointFunction, xy: Tensor2D): Tensor2D {
  return operators2d(u, xy, ['laplacian'])[0]!;
}

/** Δ(Δu) = u_xxxx + 2 u_xxyy + u_yyyy. */
export function biharmonic2d(u: PointFunction, xy: Tensor2D): Tensor2D {
  return operators2d(u, xy, ['biharmonic'])[0]!;
}
