// Steady heat with a varying diffusivity: a problem value (problems/types.ts) on pdes/residuals.ts.
import { heatResidual, heatSeparable } from '../pdes/residuals.js';
import { fieldMean } from '../metrics/index.js';
import type { TrainingProblem } from './types.js';

/** Steady heat, D Δu + f = 0: the diffusivity D is recovered from the temperature u (2nd order). */
export const heat: TrainingProblem = {
  name: 'heat',
  dims: 2,
  channels: ['u'],
  parameter: 'D',
  positiveParameter: true,
  derivatives: { u: ['value', 'laplacian'] },
  sources: ['f'],
  residual: (t, diffusivity) => heatResidual({ laplacian: t['u:laplacian']! }, diffusivity, t.f!),
  separable: (t) => heatSeparable({ laplacian: t['u:laplacian']! }, t.f!),
  reportedLaplacian: 'u:laplacian',
  residualScale: (instance) => Math.sqrt(fieldMean(instance.fields.f!.map((v) => v * v))) || 1,
};
