// The forward toy problem of the paper's appendix B.5, u′ = −λu on [0, 5], u(0) = 1, λ = 1: a
// problem value (problems/types.ts) like the inverse ones, marked forward. The rate λ is known (the instance's
// field `lambda`, which the residual reads in place of the parameter head) and the data are u(0) alone.
import { tf } from '../backend/tf.js';
import { fieldMean } from '../metrics/index.js';
import { decayCases, decayDefaults } from '../pdes/decay.js';
import { simulateProblem } from '../pdes/simulate.js';
import type { TrainingProblem } from './types.js';

/** Exponential decay, u′ + λu = 0 with λ known: u is solved for from its initial value (1st order). */
export const decay: TrainingProblem = {
  name: 'decay',
  dims: 1,
  channels: ['u'],
  parameter: 'lambda',
  positiveParameter: true,
  parameterBound: { min: 0, strict: false },
  derivatives: { u: ['value', 'dt'] },
  sources: [],
  residual: (t, rate) => tf.add(t['u:dt']!, tf.mul(rate, t['u:value']!)),
  // Both terms are of size λ·|u(0)|: the observed initial value times the rate's root mean square.
  residualScale: (instance, mean) => (Math.abs(mean[0]!) || 1) * (Math.sqrt(fieldMean(instance.fields.lambda!.map((v) => v * v))) || 1),
  // [choice, docs/forward.md] B.5's set-up: 5000 epochs; no PDE warm-up (one observed node: there is no field to fit
  // first, the residual carries the solution from the start); the autodiff batch covers every interior node of the
  // 501-node grid, as the mollified loss does. The PINN is B.5's plain tanh MLP of 64 units (no Fourier features,
  // layer norm nor residual connections); the Fourier band and count serve the other models (heat's low band).
  defaults: {
    case: 'constant',
    grid: decayDefaults.nodes,
    epochs: 5000,
    pdeWarmup: 0,
    fourierBand: [0.5, 1],
    fourierCount: 4,
    collocationBatch: 512,
    pinn: { width: 64, depth: 3, activation: 'tanh', fourier: false, layerNorm: false, residual: false },
  },
  simulationDefaults: decayDefaults,
  cases: decayCases,
  simulate: (options) => simulateProblem('decay', options),
  // The initial condition u(0): node 0 of the grid. (A problem of one's own may name more nodes, e.g. a sample.)
  forward: { observed: () => [0] },
};
