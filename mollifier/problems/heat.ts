// Steady heat with a varying diffusivity: a problem value (problems/types.ts) on pdes/residuals.ts.
import { heatResidual, heatSeparable } from '../pdes/residuals.js';
import { fieldMean } from '../metrics/index.js';
import { heatDefaults, heatCases } from '../pdes/heat.js';
import { simulateProblem } from '../pdes/simulate.js';
import type { TrainingProblem } from './types.js';

/** Steady heat, D Δu + f = 0: the diffusivity D is recovered from the temperature u (2nd order). */
export const heat: TrainingProblem = {
  name: 'heat',
  dims: 2,
  channels: ['u'],
  parameter: 'D',
  positiveParameter: true,
  parameterBound: { min: 0, strict: true },
  derivatives: { u: ['value', 'laplacian'] },
  sources: ['f'],
  residual: (t, diffusivity) => heatResidual({ laplacian: t['u:laplacian']! }, diffusivity, t.f!),
  separable: (t) => heatSeparable({ laplacian: t['u:laplacian']! }, t.f!),
  reportedLaplacian: 'u:laplacian',
  residualScale: (instance) => Math.sqrt(fieldMean(instance.fields.f!.map((v) => v * v))) || 1,
  // pdeWarmup: the field first fits the data, then the PDE weight ramps in (without it the PDE term fights a field
  // that means nothing yet, and D is not recovered at all). The low Fourier band: the model's own [π, 10π] × 16
  // resolves wavelengths down to 3 cells of a 32-node grid; the field fits the data but its Laplacian wiggles.
  defaults: { case: 'smooth', grid: 32, epochs: 1000, pdeWarmup: 0.3, fourierBand: [0.5, 1], fourierCount: 4, collocationBatch: 1024 },
  simulationDefaults: heatDefaults,
  cases: heatCases,
  simulate: (options) => simulateProblem('heat', options),
  // −f/D where D is known (simulated data).
  trueLaplacian: (instance) => (instance.fields.D && instance.fields.f ? instance.fields.f.map((f, i) => -f / instance.fields.D![i]!) : undefined),
};
