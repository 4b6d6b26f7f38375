// Langevin, v′ + v = F(t): a problem value (problems/types.ts) on pdes/residuals.ts.
import { langevinResidual, langevinSeparable } from '../pdes/residuals.js';
import { langevinDefaults, langevinCases } from '../pdes/langevin.js';
import { simulateProblem } from '../pdes/simulate.js';
import type { TrainingProblem } from './types.js';

/** Langevin, v′ + v = F(t): the forcing F is recovered from the velocity v (1st order). */
export const langevin: TrainingProblem = {
  name: 'langevin',
  dims: 1,
  channels: ['v'],
  parameter: 'F',
  positiveParameter: false,
  derivatives: { v: ['value', 'dt'] },
  sources: [],
  residual: (t, forcing) => langevinResidual({ v: t['v:value']!, dv: t['v:dt']! }, forcing),
  separable: (t) => langevinSeparable({ v: t['v:value']!, dv: t['v:dt']! }),
  residualScale: (_instance, mean, scale) => Math.hypot(mean[0]!, scale[0]!) || 1,
  defaults: { case: 'varying', grid: 1001, epochs: 3000, pdeWarmup: 0, fourierBand: [1, 10], fourierCount: 16, collocationBatch: 1024 },
  simulationDefaults: langevinDefaults,
  cases: langevinCases,
  simulate: (options) => simulateProblem('langevin', options),
};
