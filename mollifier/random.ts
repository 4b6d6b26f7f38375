// The library's one seeded generator: mulberry32, a small, fast 32-bit generator in plain JS (deterministic on
// every backend). Simulators (pdes/random.ts) and the models' initial weights (models/common.ts) draw from it.

/** A stream of 32-bit unsigned integers from `seed` (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
