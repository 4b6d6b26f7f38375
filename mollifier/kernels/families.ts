// The four kernel profiles η(s) on the open unit ball |s| < 1. They are left
// unnormalised: the discretisation divides by the discrete mass, so the analytic constants cancel.
import {
  constantSeries,
  cosAffineSeries,
  expSeries,
  multiplySeries,
  reciprocalSeries,
  scaleSeries,
  seriesDerivatives,
  type Series,
} from './taylor.js';
import { KernelError } from './errors.js';

export const kernelFamilies = ['bump', 'poly2', 'poly4', 'sine', 'fd'] as const;
export type KernelFamily = (typeof kernelFamilies)[number];
/** The mollifier profiles; 'fd' is the unmollified baseline: plain central finite differences. */
export type ProfileFamily = Exclude<KernelFamily, 'fd'>;
export const profileFamilies: readonly ProfileFamily[] = ['bump', 'poly2', 'poly4', 'sine'];

/** Highest derivative order the layer supports for any family. */
export const maxSupportedOrder = 4;

interface FamilySpec {
  /** Series of the profile around s0 (|s0| < 1), n terms. */
  series(s0: number, n: number): Series;
  /** Number of continuous derivatives at the rim |s| = 1 (Infinity for C^∞). */
  rimSmoothness: number;
  description: string;
}

function oneMinusSquare(s0: number, n: number): Series {
  // 1 − (s0 + t)² = (1 − s0²) − 2 s0 t − t²
  const out = constantSeries(1 - s0 * s0, n);
  if (n > 1) out[1] = -2 * s0;
  if (n > 2) out[2] = -1;
  return out;
}

const families: Record<ProfileFamily, FamilySpec> = {
  bump: {
    series: (s0, n) => expSeries(scaleSeries(reciprocalSeries(oneMinusSquare(s0, n)), -1)),
    rimSmoothness: Infinity,
    description: 'exp(−1/(1−s²)), the classical C^∞ mollifier',
  },
  poly2: {
    series: (s0, n) => oneMinusSquare(s0, n),
    rimSmoothness: 0,
    description: '(1−s²), continuous at the rim',
  },
  poly4: {
    series: (s0, n) => {
      const q = oneMinusSquare(s0, n);
      return multiplySeries(q, q);
    },
    rimSmoothness: 1,
    description: '(1−s²)², C¹ at the rim',
  },
  sine: {
    series: (s0, n) => cosAffineSeries(0, Math.PI / 2, s0, n),
    rimSmoothness: 0,
    description: 'cos(πs/2), continuous at the rim',
  },
};

export function isKernelFamily(name: string): name is KernelFamily {
  return (kernelFamilies as readonly string[]).includes(name);
}

export function assertKernelFamily(name: string): KernelFamily {
  if (!isKernelFamily(name)) {
    throw new KernelError(`unknown kernel family '${name}' (expected one of ${kernelFamilies.join(', ')})`);
  }
  return name;
}

/**
 * Highest derivative order a family gives: its smoothness at the rim plus two. Beyond that the
 * derivative of the mollified field has delta terms on the rim that sampling the interior formula
 * misses and no moment correction restores (poly2's third derivative is even identically zero).
 */
export function familyMaxOrder(family: KernelFamily): number {
  if (family === 'fd') return maxSupportedOrder;
  return Math.min(maxSupportedOrder, families[family].rimSmoothness + 2);
}

export function familyDescription(family: KernelFamily): string {
  if (family === 'fd') return 'central finite differences, no mollification (the raw baseline)';
  return families[family].description;
}

/** η^(k)(s) for k = 0..maxOrder; zero outside the open unit ball. */
export function profileDerivatives(family: ProfileFamily, s: number, maxOrder: number): Float64Array {
  if (Math.abs(s) >= 1) return new Float64Array(maxOrder + 1);
  return seriesDerivatives(families[family].series(s, maxOrder + 1));
}
