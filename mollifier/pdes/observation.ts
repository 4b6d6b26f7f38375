// The observation model of the inverse problems: a seeded sample of the grid's nodes
// (default 10 %) carries the data loss, and the observed values may carry additive Gaussian noise.
import { ProblemError } from './types.js';
import { deriveSeed, seededNormals, uniformGenerator } from './random.js';
import { fieldStd } from '../metrics/statistics.js';

export interface ObservationOptions {
  /** Fraction of nodes observed, in (0, 1] (default 0.1). */
  fraction?: number;
  /** σ of additive Gaussian measurement noise (default 0). */
  noise?: number;
  seed?: number;
}

export interface Observation {
  /** Sorted indices of the observed nodes. */
  indices: Int32Array;
  /** 1 where a node is observed. */
  mask: Uint8Array;
  /** The field with noise added at every node (only the observed ones are meant to be used). */
  values: Float64Array;
}

export const defaultObservedFraction = 0.1;

export function assertFraction(fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new ProblemError(`sample fraction ${fraction} must be in (0, 1]`);
  return fraction;
}

/** A uniformly random subset of round(fraction · n) nodes (at least one), by a seeded partial shuffle. */
export function sampleNodes(n: number, fraction: number, seed: number): Int32Array {
  assertFraction(fraction);
  const count = Math.max(1, Math.round(fraction * n));
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const uniform = uniformGenerator(deriveSeed(seed, 'observation-sample'));
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(uniform() * (n - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, count).sort();
}

export function observe(field: Float64Array, options: ObservationOptions = {}): Observation {
  const noise = options.noise ?? 0;
  if (!(noise >= 0)) throw new ProblemError(`measurement noise ${noise} must be ≥ 0`);
  const seed = options.seed ?? 0;
  const indices = sampleNodes(field.length, options.fraction ?? defaultObservedFraction, seed);
  const mask = new Uint8Array(field.length);
  for (const i of indices) mask[i] = 1;
  const xi = noise > 0 ? seededNormals(field.length, deriveSeed(seed, 'observation-noise')) : undefined;
  const values = xi ? field.map((v, i) => v + noise * xi[i]!) : Float64Array.from(field);
  return { indices, mask, values };
}

/**
 * A channel as the inverse problems measure it: noise of σ = `relativeNoise` times the field's standard deviation (1
 * for a flat field). Training (training/data.ts) and the no-network estimate (problems/estimate.ts) both observe
 * through it, so one seed gives both the same nodes and the same noise.
 */
export function observeRelative(field: Float64Array, options: { fraction: number; relativeNoise: number; seed: number }): Observation {
  return observe(field, { fraction: options.fraction, noise: options.relativeNoise * (fieldStd(field) || 1), seed: options.seed });
}
