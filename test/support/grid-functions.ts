// Smooth analytic test fields with exact derivatives, and plain float64 stencils to compare against.

/** Seeded standard normals: the tests must not depend on chance. */
export { seededNormals } from '../../mollifier/pdes/random.js';

/** A sum of two sines, shortest wavelength `wavelength`, and its k-th derivative. */
export function twoModeSignal(wavelength: number): (x: number, order: number) => number {
  const k1 = (2 * Math.PI) / wavelength;
  const k2 = k1 / 2.3;
  return (x, order) =>
    k1 ** order * Math.sin(k1 * x + 0.4 + (order * Math.PI) / 2) + 0.7 * k2 ** order * Math.cos(k2 * x - 0.9 + (order * Math.PI) / 2);
}

/** out[i] = Σ_m w[m+R] g[i+m] over the valid interior, float64. */
export function correlate1d(g: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const radius = (weights.length - 1) / 2;
  const out = new Float64Array(g.length - 2 * radius);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let m = -radius; m <= radius; m++) sum += weights[m + radius]! * g[i + radius + m]!;
    out[i] = sum;
  }
  return out;
}

/** 2D valid cross-correlation, float64; g row-major [ny, nx], weights row-major [K, K]. */
export function correlate2d(g: ArrayLike<number>, ny: number, nx: number, weights: ArrayLike<number>): Float64Array {
  const size = Math.round(Math.sqrt(weights.length));
  const radius = (size - 1) / 2;
  const oy = ny - 2 * radius;
  const ox = nx - 2 * radius;
  const out = new Float64Array(oy * ox);
  for (let i = 0; i < oy; i++) {
    for (let j = 0; j < ox; j++) {
      let sum = 0;
      for (let a = 0; a < size; a++) {
        for (let b = 0; b < size; b++) sum += weights[a * size + b]! * g[(i + a) * nx + (j + b)]!;
      }
      out[i * ox + j] = sum;
    }
  }
  return out;
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function relativeMaxError(estimate: ArrayLike<number>, truth: ArrayLike<number>): number {
  return maxAbsDifference(estimate, truth) / maxAbs(truth);
}
