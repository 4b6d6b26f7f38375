import type { KernelFamily } from '../kernels/index.js';

/** Default kernel family: the classical C^∞ bump, the only one that gives 4th order. */
export const defaultFamily: KernelFamily = 'bump';
/** Default radius in grid cells [choice]: 9 taps, the size docs/benchmarks.md measures. */
export const defaultRadius = 4;
