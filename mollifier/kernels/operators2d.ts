// 2D operators from product kernels η(x)·η(y) [choice: product, not radial]. A product kernel is
// separable, so every operator is a short sum of (1D along y) ⊗ (1D along x) terms: the layer runs
// them as two cheap 1D passes, and moment correction of each 1D factor makes the 2D kernel exact on
// polynomials up to the operator's order (Σ w·|x|² = 4 for the Laplacian, for instance).
import { assertKernelFamily, familyMaxOrder, type KernelFamily } from './families.js';
import { KernelError } from './errors.js';
import { kernelWeights1d, validateRadius, validateSpacing } from './discretise.js';

export const operators2d = ['value', 'dx', 'dy', 'dxx', 'dyy', 'dxy', 'laplacian', 'biharmonic'] as const;
export type Operator2d = (typeof operators2d)[number];

/** One separable term: coefficient · (∂y^yOrder η)(y) · (∂x^xOrder η)(x). */
export interface SeparableTerm {
  yOrder: number;
  xOrder: number;
  coefficient: number;
}

const termsByOperator: Record<Operator2d, SeparableTerm[]> = {
  value: [{ yOrder: 0, xOrder: 0, coefficient: 1 }],
  dx: [{ yOrder: 0, xOrder: 1, coefficient: 1 }],
  dy: [{ yOrder: 1, xOrder: 0, coefficient: 1 }],
  dxx: [{ yOrder: 0, xOrder: 2, coefficient: 1 }],
  dyy: [{ yOrder: 2, xOrder: 0, coefficient: 1 }],
  dxy: [{ yOrder: 1, xOrder: 1, coefficient: 1 }],
  laplacian: [
    { yOrder: 0, xOrder: 2, coefficient: 1 },
    { yOrder: 2, xOrder: 0, coefficient: 1 },
  ],
  biharmonic: [
    { yOrder: 0, xOrder: 4, coefficient: 1 },
    { yOrder: 2, xOrder: 2, coefficient: 2 },
    { yOrder: 4, xOrder: 0, coefficient: 1 },
  ],
};

export function assertOperator2d(name: string): Operator2d {
  if (!(operators2d as readonly string[]).includes(name)) {
    throw new KernelError(`unknown 2D operator '${name}' (expected one of ${operators2d.join(', ')})`);
  }
  return name as Operator2d;
}

export function operatorTerms(operator: Operator2d): readonly SeparableTerm[] {
  return termsByOperator[operator];
}

/** Highest 1D derivative order the operator needs along one axis. */
export function operatorAxisOrder(operator: Operator2d): number {
  return Math.max(...termsByOperator[operator].map((t) => Math.max(t.xOrder, t.yOrder)));
}

export function assertFamilyGivesOperator(family: KernelFamily, operator: Operator2d): void {
  const needed = operatorAxisOrder(operator);
  const max = familyMaxOrder(family);
  if (needed > max) {
    throw new KernelError(
      `kernel family '${family}' cannot give the ${operator} operator (it needs order ${needed} along an axis; '${family}' gives up to ${max}; use 'bump')`,
    );
  }
}

/** Grid spacing as [hy, hx]. */
export type Spacing2d = number | readonly [number, number];

export function spacingPair(spacing: Spacing2d): [number, number] {
  const [hy, hx] = typeof spacing === 'number' ? [spacing, spacing] : spacing;
  return [validateSpacing(hy), validateSpacing(hx)];
}

export interface KernelSpec2d {
  family: KernelFamily;
  radius: number;
  spacing: Spacing2d;
  operator: Operator2d;
  momentCorrection?: boolean;
}

/**
 * Full 2D weights, row-major with shape [2R+1, 2R+1]: first index along y (rows), second along x:
 * out[i][j] = Σ_a Σ_b w[(a+R)(2R+1) + (b+R)] · g[i+a][j+b].
 */
export function kernelWeights2d(spec: KernelSpec2d): { weights: Float64Array; shape: [number, number] } {
  const family = assertKernelFamily(spec.family);
  const operator = assertOperator2d(spec.operator);
  const radius = validateRadius(spec.radius);
  const [hy, hx] = spacingPair(spec.spacing);
  assertFamilyGivesOperator(family, operator);
  const size = 2 * radius + 1;
  const weights = new Float64Array(size * size);
  const correction = spec.momentCorrection ?? true;
  for (const term of operatorTerms(operator)) {
    const wy = kernelWeights1d({ family, radius, spacing: hy, order: term.yOrder, momentCorrection: correction });
    const wx = kernelWeights1d({ family, radius, spacing: hx, order: term.xOrder, momentCorrection: correction });
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) weights[a * size + b] = weights[a * size + b]! + term.coefficient * wy[a]! * wx[b]!;
    }
  }
  return { weights, shape: [size, size] };
}
