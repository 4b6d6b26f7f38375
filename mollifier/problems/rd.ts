// The chromatin reaction-diffusion model: a problem value (problems/types.ts) on pdes/residuals.ts.
import { chromatinResidual, chromatinSeparable, type ChromatinTerms } from '../pdes/residuals.js';
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
  derivatives: { phi_n: ['value', 'dx', 'dy', 'laplacian'], phi_d: ['value', 'dx', 'dy', 'laplacian', 'biharmonic'] },
  sources: [],
  residual: (t, rate, { constants }) => chromatinResidual(chromatinTerms(t), rate, constants),
  separable: (t, { constants }) => chromatinSeparable(chromatinTerms(t), constants),
  reportedLaplacian: 'phi_d:laplacian',
  // The reaction 2(kφ_e − φ_h) balances 2φ_h = 1 − φ_n + φ_d on average.
  residualScale: (_instance, mean) => Math.abs(1 - mean[0]! + mean[1]!) || 1,
};
