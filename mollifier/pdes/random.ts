// Seeded random numbers: every simulated instance must be reproducible from its seed alone.
import { mulberry32 } from '../random.js';

/** Uniform in [0, 1), from the library's generator (random.ts). */
export function uniformGenerator(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** `count` standard normal samples (Box-Muller on mulberry32). */
export function seededNormals(count: number, seed: number): Float64Array {
  const uniform = uniformGenerator(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(Math.max(uniform(), 1e-300)));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** A seed derived from a base seed and a purpose, so independent streams do not share numbers. */
export function deriveSeed(seed: number, purpose: string): number {
  let hash = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < purpose.length; i++) hash = Math.imul(hash ^ purpose.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
