// From a continuous profile to grid weights . Weights are in
// cross-correlation orientation, as deep-learning convolutions compute:
//   out[i] = Σ_{m=-R..R} w[m+R] · g[i+m]  ≈  (d/dx)^k (g * η_ε)(x_i),   ε = R·h.
// Because η is even, η^(k) has parity (−1)^k: odd orders flip sign relative to the sampled derivative.
import { assertKernelFamily, familyMaxOrder, profileDerivatives, type KernelFamily, type ProfileFamily } from './families.js';
import { KernelError } from './errors.js';
import { solveLinearSystem } from './linear-solve.js';

export interface KernelSpec1d {
  family: KernelFamily;
  /** Half-width in grid cells, an integer ≥ 1; the kernel has 2·radius + 1 taps and ε = radius·spacing. */
  radius: number;
  /** Grid spacing h > 0. */
  spacing: number;
  /** Derivative order k, 0 ≤ k ≤ familyMaxOrder(family). */
  order: number;
  /**
   * Moment correction [choice, default true]: after discrete-mass normalisation, add a smooth correction
   * so that every moment below k vanishes and the k-th is exactly k!; the kernel then differentiates
   * polynomials of degree ≤ k exactly. Without it, sampled derivative kernels leak badly for small radii.
   */
  momentCorrection?: boolean;
}

export function validateRadius(radius: number): number {
  if (!Number.isInteger(radius) || radius < 1) {
    throw new KernelError(`radius ${radius} is invalid: it must be an integer ≥ 1 (grid cells)`);
  }
  return radius;
}

export function validateSpacing(spacing: number): number {
  if (!Number.isFinite(spacing) || spacing <= 0) {
    throw new KernelError(`spacing ${spacing} is invalid: it must be a finite number > 0`);
  }
  return spacing;
}

export function validateOrder(family: KernelFamily, order: number): number {
  const max = familyMaxOrder(family);
  if (!Number.isInteger(order) || order < 0) {
    throw new KernelError(`derivative order ${order} is invalid: it must be an integer ≥ 0`);
  }
  if (order > max) {
    throw new KernelError(
      `kernel family '${family}' cannot give derivative order ${order} (it gives orders 0-${max}; 'bump' gives up to ${familyMaxOrder('bump')})`,
    );
  }
  return order;
}

/** Smallest radius whose 2R+1 taps can hold the moment conditions of order k. */
export function minimumRadius(order: number): number {
  return Math.max(1, Math.ceil(order / 2));
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/**
 * Dimensionless weights v[m] = w[m]·h^k for |m| ≤ R: they depend on the family, radius and order only.
 */
export function unitKernelWeights(family: KernelFamily, radius: number, order: number, momentCorrection = true): Float64Array {
  if (family === 'fd') return centralDifferenceWeights(radius, order);
  const size = 2 * radius + 1;
  const sign = order % 2 === 0 ? 1 : -1;
  const raw = new Float64Array(size);
  let mass = 0;
  for (let m = -radius; m <= radius; m++) {
    const d = profileDerivatives(family, m / radius, order);
    mass += d[0]!;
    raw[m + radius] = (sign * d[order]!) / radius ** order;
  }
  for (let i = 0; i < size; i++) raw[i] = raw[i]! / mass;
  if (!momentCorrection) return raw;
  return correctMoments(family, radius, order, raw);
}

function correctMoments(family: ProfileFamily, radius: number, order: number, raw: Float64Array): Float64Array {
  // Only moments of the kernel's own parity can be non-zero, so the conditions are j = k, k−2, …
  const powers: number[] = [];
  for (let j = order % 2; j <= order; j += 2) powers.push(j);
  // The correction lives on a window that is positive on every tap (the profile stretched to R+1), so
  // it stays smooth and can fix the moments even where the profile itself vanishes on the grid.
  const window = new Float64Array(2 * radius + 1);
  for (let m = -radius; m <= radius; m++) window[m + radius] = profileDerivatives(family, m / (radius + 1), 0)[0]!;
  const unitPower = (m: number, j: number): number => (m / radius) ** j;
  const n = powers.length;
  const matrix = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  powers.forEach((j, row) => {
    const target = j === order ? factorial(order) / radius ** order : 0;
    let rawMoment = 0;
    for (let m = -radius; m <= radius; m++) rawMoment += raw[m + radius]! * unitPower(m, j);
    rhs[row] = target - rawMoment;
    powers.forEach((i, col) => {
      let entry = 0;
      for (let m = -radius; m <= radius; m++) entry += window[m + radius]! * unitPower(m, i) * unitPower(m, j);
      matrix[row * n + col] = entry;
    });
  });
  const coefficients = solveLinearSystem(matrix, rhs);
  if (!coefficients) {
    throw new KernelError(`radius ${radius} is too small for derivative order ${order} (needs radius ≥ ${minimumRadius(order)})`);
  }
  const out = Float64Array.from(raw);
  for (let m = -radius; m <= radius; m++) {
    let correction = 0;
    powers.forEach((i, c) => (correction += coefficients[c]! * unitPower(m, i)));
    out[m + radius] = out[m + radius]! + correction * window[m + radius]!;
  }
  return out;
}

// The narrowest central stencils (unit spacing), cross-correlation orientation: the unmollified baseline.
const centralStencils: readonly (readonly number[])[] = [[1], [-0.5, 0, 0.5], [1, -2, 1], [-0.5, 1, 0, -1, 0.5], [1, -4, 6, -4, 1]];

/** The central finite-difference stencil of an order, zero-padded to 2R+1 taps. */
export function centralDifferenceWeights(radius: number, order: number): Float64Array {
  const stencil = centralStencils[order]!;
  const half = (stencil.length - 1) / 2;
  const out = new Float64Array(2 * radius + 1);
  stencil.forEach((w, i) => (out[radius - half + i] = w));
  return out;
}

/** 1D weights w[m] for |m| ≤ R, cross-correlation orientation, float64. */
export function kernelWeights1d(spec: KernelSpec1d): Float64Array {
  const family = assertKernelFamily(spec.family);
  const radius = validateRadius(spec.radius);
  const spacing = validateSpacing(spec.spacing);
  const order = validateOrder(family, spec.order);
  if (radius < minimumRadius(order)) {
    throw new KernelError(`radius ${radius} is too small for derivative order ${order} (needs radius ≥ ${minimumRadius(order)})`);
  }
  const unit = unitKernelWeights(family, radius, order, spec.momentCorrection ?? true);
  const scale = spacing ** -order;
  return unit.map((v) => v * scale);
}

/** Σ_m w[m]·(m·h)^j: the j-th discrete moment of a 1D kernel. */
export function kernelMoment1d(weights: Float64Array, spacing: number, power: number): number {
  const radius = (weights.length - 1) / 2;
  let sum = 0;
  for (let m = -radius; m <= radius; m++) sum += weights[m + radius]! * (m * spacing) ** power;
  return sum;
}
