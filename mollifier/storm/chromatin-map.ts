// From what STORM measures to the chromatin model's fields (φ_n, φ_d), docs/storm.md "The pipeline, and each choice".
//
// The model's steady state fixes one relation exactly: with no flux through the nucleus's boundary (or periodic),
// ∇²μ_n = 0 makes μ_n = −φ_e − g(φ_h) uniform, g(h) = h(φ_max − h)(φ_max − 2h) (docs/storm.md "The pipeline"; on a
// simulated steady state its spread is 1e-7, test/storm.test.ts). So φ_e, φ_n and φ_d are functions of φ_h and one
// constant μ_n:
//   - from a density: φ_h by a linear map of the density [choice: anchors], then μ_n from the mean of φ_n
//     [choice: 0.5, the model's conserved mean], φ_e = −μ_n − g(φ_h);
//   - from φ_n alone: φ_h solves φ_h − g(φ_h) = 1 − φ_n + μ_n (monotone on [0, h*]), for a μ_n the data do not
//     determine: every μ_n in an interval gives admissible fields (φ_h ≥ 0, φ_e > 0), and k's level moves with it.
import { ProblemError } from '../pdes/types.js';

export const defaultPhiMax = 0.7;

const g = (h: number, phiMax: number) => h * (phiMax - h) * (phiMax - 2 * h);
/** h − g(h): what 1 − φ_n + μ_n equals at steady state. */
const F = (h: number, phiMax: number) => h - g(h, phiMax);

/** The largest φ_h where h − g(h) still increases: the inverse from φ_n is unique below it. */
export function monotoneLimit(phiMax: number): number {
  // (h − g)' = 1 − φ² + 6φh − 6h² = 0.
  return (6 * phiMax + Math.sqrt(36 * phiMax * phiMax + 24 * (1 - phiMax * phiMax))) / 12;
}

/** One anchor of the density map: the density at this quantile maps to φ_h = level. */
export interface DensityAnchor {
  quantile: number;
  level: number;
}

export interface ChromatinFields {
  phi_h: Float64Array;
  phi_e: Float64Array;
  phi_n: Float64Array;
  phi_d: Float64Array;
  /** The uniform chemical potential μ_n the fields hold. */
  muN: number;
  /** Nodes whose φ_h the map clipped into [0, h*). */
  clipped: number;
}

export function quantileOf(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * φ_h from a density by a linear map: one anchor maps density 0 to φ_h 0 and the anchor's quantile to its level
 * (localisation intensity ∝ φ_h); two anchors map their quantiles to their levels (a background offset). Values
 * are clipped into [0, 0.99 h*].
 */
export function phiHFromDensity(density: ArrayLike<number>, anchors: readonly DensityAnchor[], phiMax = defaultPhiMax): { phi_h: Float64Array; clipped: number; densityAt: number[] } {
  if (anchors.length < 1 || anchors.length > 2) throw new ProblemError(`the density map takes one or two anchors, got ${anchors.length}`);
  const points = anchors.map((a) => [quantileOf(density, a.quantile), a.level] as const);
  const [[d1, l1], [d0, l0]] = points.length === 1 ? [points[0]!, [0, 0] as const] : [points[1]!, points[0]!];
  if (!(d1 > d0)) throw new ProblemError(`the density is flat between the map's quantiles (${d0} to ${d1}): no structure to map`);
  const slope = (l1 - l0) / (d1 - d0);
  const top = 0.99 * monotoneLimit(phiMax);
  let clipped = 0;
  const phi_h = Float64Array.from(density, (d) => {
    const v = l0 + slope * (d - d0);
    if (v < 0 || v > top) clipped++;
    return Math.min(top, Math.max(0, v));
  });
  return { phi_h, clipped, densityAt: points.map((p) => p[0]) };
}

/** φ_h from a density and an intensity calibration (density at φ_h = 1), clipped into [0, 0.99 h*]. */
export function phiHFromCalibration(density: ArrayLike<number>, perUnitPhiH: number, phiMax = defaultPhiMax): { phi_h: Float64Array; clipped: number } {
  if (!(perUnitPhiH > 0)) throw new ProblemError(`the calibration ${perUnitPhiH} must be a positive density`);
  const top = 0.99 * monotoneLimit(phiMax);
  let clipped = 0;
  const phi_h = Float64Array.from(density, (d) => {
    const v = d / perUnitPhiH;
    if (v > top) clipped++;
    return Math.min(top, v);
  });
  return { phi_h, clipped };
}

/** The fields from φ_h, with μ_n set by the mean of φ_n. */
export function fieldsFromPhiH(phi_h: Float64Array, meanPhiN = 0.5, phiMax = defaultPhiMax): Omit<ChromatinFields, 'clipped'> {
  const n = phi_h.length;
  let meanH = 0;
  let meanG = 0;
  for (let i = 0; i < n; i++) {
    meanH += phi_h[i]! / n;
    meanG += g(phi_h[i]!, phiMax) / n;
  }
  // mean φ_n = 1 − mean φ_h − mean φ_e and φ_e = −μ_n − g(φ_h).
  const muN = meanPhiN - 1 + meanH - meanG;
  const phi_e = Float64Array.from(phi_h, (h) => -muN - g(h, phiMax));
  let worst = Infinity;
  for (const e of phi_e) worst = Math.min(worst, e);
  if (!(worst > 0)) throw new ProblemError(`the mapped fields have φ_e = ${worst.toPrecision(3)} ≤ 0 somewhere: the density map's levels are too high for mean φ_n = ${meanPhiN}`);
  return { phi_h, phi_e, phi_n: Float64Array.from(phi_h, (h, i) => 1 - h - phi_e[i]!), phi_d: Float64Array.from(phi_h, (h, i) => h - phi_e[i]!), muN };
}

/** The interval of μ_n for which φ_n gives φ_h ≥ 0 and φ_e > 0 at every node (open at the top). */
export function admissibleMuN(phi_n: ArrayLike<number>, phiMax = defaultPhiMax): [number, number] {
  let maxN = -Infinity;
  let upper = Infinity;
  const hStar = monotoneLimit(phiMax);
  for (let i = 0; i < phi_n.length; i++) {
    const n = phi_n[i]!;
    maxN = Math.max(maxN, n);
    // φ_e > 0 ⟺ φ_h < 1 − φ_n; and φ_h < h* for a unique inverse.
    upper = Math.min(upper, F(Math.min(1 - n, hStar), phiMax) - (1 - n));
  }
  return [maxN - 1, upper];
}

/** The fields from φ_n and a chosen μ_n (inside admissibleMuN). */
export function fieldsFromPhiN(phi_n: Float64Array, muN: number, phiMax = defaultPhiMax): ChromatinFields {
  const [lo, hi] = admissibleMuN(phi_n, phiMax);
  if (!(muN >= lo && muN < hi)) throw new ProblemError(`μ_n = ${muN} is outside the interval [${lo.toFixed(4)}, ${hi.toFixed(4)}) where these φ_n give φ_h ≥ 0 and φ_e > 0 everywhere`);
  const hStar = monotoneLimit(phiMax);
  const phi_h = Float64Array.from(phi_n, (n) => {
    const target = 1 - n + muN;
    let a = 0;
    let b = hStar;
    for (let it = 0; it < 60; it++) {
      const m = (a + b) / 2;
      if (F(m, phiMax) < target) a = m;
      else b = m;
    }
    return (a + b) / 2;
  });
  const phi_e = Float64Array.from(phi_h, (h, i) => 1 - phi_n[i]! - h);
  return { phi_h, phi_e, phi_n, phi_d: Float64Array.from(phi_h, (h, i) => h - phi_e[i]!), muN, clipped: 0 };
}
