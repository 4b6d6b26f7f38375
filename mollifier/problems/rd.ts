// The chromatin reaction-diffusion model: a problem value (problems/types.ts) on pdes/residuals.ts.
import { chromatinDefaults, chromatinResidual, chromatinSeparable, type ChromatinConstants, type ChromatinTerms } from '../pdes/residuals.js';
import { rdCases, reactionDiffusionDefaults } from '../pdes/reaction-diffusion.js';
import { simulateProblem } from '../pdes/simulate.js';
import { spectralLaplacian } from '../pdes/spectral.js';
import { ProblemError } from '../pdes/types.js';
import type { TermMap, TrainingProblem } from './types.js';

const chromatinTerms = (t: TermMap): ChromatinTerms => ({
  phiN: t['phi_n:value']!, phiD: t['phi_d:value']!, dxN: t['phi_n:dx']!, dyN: t['phi_n:dy']!, dxD: t['phi_d:dx']!, dyD: t['phi_d:dy']!,
  laplacianN: t['phi_n:laplacian']!, laplacianD: t['phi_d:laplacian']!, biharmonicD: t['phi_d:biharmonic']!,
});

/** Chromatin reaction-diffusion, steady: the methylation rate k is recovered from φ_n and φ_d (4th order). */
export const rd: TrainingProblem = {
  name: 'rd',
  dims: 2,
  channels: ['phi_n', 'phi_d'],
  parameter: 'k',
  positiveParameter: true,
  parameterBound: { min: 0, strict: false },
  derivatives: { phi_n: ['value', 'dx', 'dy', 'laplacian'], phi_d: ['value', 'dx', 'dy', 'laplacian', 'biharmonic'] },
  sources: [],
  residual: (t, rate, { constants }) => chromatinResidual(chromatinTerms(t), rate, constants as ChromatinConstants),
  separable: (t, { constants }) => chromatinSeparable(chromatinTerms(t), constants as ChromatinConstants),
  reportedLaplacian: 'phi_d:laplacian',
  // The reaction 2(kφ_e − φ_h) balances 2φ_h = 1 − φ_n + φ_d on average.
  residualScale: (_instance, mean) => Math.abs(1 - mean[0]! + mean[1]!) || 1,
  // The low Fourier band: the k map comes from 4th derivatives of the fitted φ, and with the model's high band its
  // correlation stalled; [0.5π, 4π] × 8 recovers it. Autodiff: 256 collocation nodes keep the 4th-order graph in memory.
  defaults: { case: 'constant', grid: 64, epochs: 2000, pdeWarmup: 0, fourierBand: [0.5, 4], fourierCount: 8, collocationBatch: 256 },
  simulationDefaults: { ...reactionDiffusionDefaults, chromatin: chromatinDefaults },
  // Patterns with wider interfaces coarsen slowly (l = 0.15: ~60k steps, 20 s at 64²); a training job waits for them.
  cases: rdCases,
  simulate: (options) => simulateProblem('rd', { ...options, reactionDiffusion: { maxSteps: 200_000, ...options.reactionDiffusion } }),
  // Δφ_d, spectrally, on periodic data.
  trueLaplacian: (instance) => {
    const grid = instance.grid;
    return grid.dims === 2 && grid.periodic ? spectralLaplacian(instance.fields.phi_d!, grid.nx, grid.ny, grid.nx * grid.hx, grid.ny * grid.hy) : undefined;
  },
  constantsOf: (given, instance) => {
    const recorded = typeof instance.parameters.l === 'number' ? instance.parameters.l : undefined;
    if (given !== undefined && recorded !== undefined && Math.abs(recorded - given) > 1e-12 * recorded) {
      throw new ProblemError(`--interface-length ${given} contradicts the data, simulated with l = ${recorded}`);
    }
    return { ...chromatinDefaults, l: given ?? recorded ?? chromatinDefaults.l };
  },
};
