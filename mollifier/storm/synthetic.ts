// Synthetic STORM localisations of a simulated nucleus, for validation with known truth (docs/storm.md).
// Molecules are a Poisson process of intensity ∝ φ_h (uniform within each node's cell), each displaced by a
// labelling blur; each blinks a geometric number of times, and every blink is localised with a precision that
// falls with its photon count (σ = psf/√photons, the shot-noise limit), as ThunderSTORM reports it.
import { uniformGenerator, deriveSeed } from '../pdes/random.js';
import { ProblemError, type Grid2d } from '../pdes/types.js';

export interface SyntheticStormOptions {
  /** Expected localisations per unit area where φ_h = 1 (blinks included). */
  perArea: number;
  /** Mean blinks (localisations) per molecule, ≥ 1. */
  blinks: number;
  /** Labelling blur σ, domain units (antibody linkage, drift left after correction). */
  blur: number;
  /** Median photons per blink (lognormal, σ_log 0.5). */
  photons: number;
  /** PSF σ in domain units: a blink's precision is psf/√photons. */
  psf: number;
  /** Uniform background localisations per unit area. */
  background: number;
  frames: number;
  seed: number;
}

export const syntheticStormDefaults: Omit<SyntheticStormOptions, 'seed'> = {
  perArea: 4000,
  blinks: 3,
  blur: 0.02,
  photons: 800,
  psf: 0.13,
  background: 0,
  frames: 20000,
};

export interface SyntheticLocalisations {
  x: Float64Array;
  y: Float64Array;
  frame: Float64Array;
  photons: Float64Array;
  precision: Float64Array;
}

function poisson(mean: number, uniform: () => number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(uniform)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = uniform();
  while (p > limit) {
    k++;
    p *= uniform();
  }
  return k;
}

function normal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Localisations on [0, L)² of a periodic grid's φ_h (nodes at j·h), wrapped periodically. */
export function syntheticLocalisations(phi_h: Float64Array, grid: Grid2d, options: SyntheticStormOptions): SyntheticLocalisations {
  if (!grid.periodic) throw new ProblemError('synthetic localisations are drawn on a periodic simulated nucleus');
  if (!(options.blinks >= 1)) throw new ProblemError(`blinks ${options.blinks} must be ≥ 1`);
  const uniform = uniformGenerator(deriveSeed(options.seed, 'storm-localisations'));
  const Lx = grid.nx * grid.hx;
  const Ly = grid.ny * grid.hy;
  const cellArea = grid.hx * grid.hy;
  const x: number[] = [];
  const y: number[] = [];
  const frame: number[] = [];
  const photons: number[] = [];
  const precision: number[] = [];
  const wrap = (v: number, L: number) => v - L * Math.floor(v / L);
  const blink = (mx: number, my: number) => {
    const n = Math.max(1, options.photons * Math.exp(0.5 * normal(uniform)));
    const sigma = options.psf / Math.sqrt(n);
    x.push(wrap(mx + sigma * normal(uniform), Lx));
    y.push(wrap(my + sigma * normal(uniform), Ly));
    frame.push(Math.floor(uniform() * options.frames));
    photons.push(n);
    precision.push(sigma);
  };
  const moleculeRate = options.perArea / options.blinks;
  for (let i = 0; i < grid.ny; i++) {
    for (let j = 0; j < grid.nx; j++) {
      const molecules = poisson(moleculeRate * Math.max(0, phi_h[i * grid.nx + j]!) * cellArea, uniform);
      for (let m = 0; m < molecules; m++) {
        const mx = (j + uniform() - 0.5) * grid.hx + options.blur * normal(uniform);
        const my = (i + uniform() - 0.5) * grid.hy + options.blur * normal(uniform);
        // Geometric number of blinks with mean `blinks`.
        let count = 1;
        while (uniform() > 1 / options.blinks) count++;
        for (let b = 0; b < count; b++) blink(mx, my);
      }
    }
  }
  const background = poisson(options.background * Lx * Ly, uniform);
  for (let b = 0; b < background; b++) blink(uniform() * Lx, uniform() * Ly);
  return { x: Float64Array.from(x), y: Float64Array.from(y), frame: Float64Array.from(frame), photons: Float64Array.from(photons), precision: Float64Array.from(precision) };
}

/** ThunderSTORM's CSV layout (positions and precision in nm). */
export function thunderstormCsv(locs: SyntheticLocalisations, nmPerUnit: number): string {
  const lines = ['"id","frame","x [nm]","y [nm]","intensity [photon]","uncertainty [nm]"'];
  for (let i = 0; i < locs.x.length; i++) {
    lines.push(`${i + 1},${locs.frame[i]! + 1},${(locs.x[i]! * nmPerUnit).toFixed(2)},${(locs.y[i]! * nmPerUnit).toFixed(2)},${locs.photons[i]!.toFixed(1)},${(locs.precision[i]! * nmPerUnit).toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}
