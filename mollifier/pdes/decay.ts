// The forward toy problem of the paper's appendix B.5: u′ = −λu on [0, 5], u(0) = 1, λ = 1, so
// u = e^(−t). The rate is known (a forward problem): the instance carries it as the field `lambda`, the residual
// reads it, and training solves for u from the initial condition alone.
import { ProblemError, type Grid1d, type ProblemInstance } from './types.js';

export const decayCases = ['constant'] as const;

/** [choice] 501 nodes on [0, 5] (dt = 0.01), λ = 1, u(0) = 1: B.5's interval and initial value. */
export const decayDefaults = { nodes: 501, duration: 5, rate: 1, u0: 1 } as const;

export interface DecayOptions {
  case?: string;
  /** Nodes including t = 0 (default 501). */
  nodes?: number;
  duration?: number;
  /** The constant rate λ (default 1). */
  rate?: number;
  seed?: number;
  /** A rate given per node (from --param-field); overrides the case and sets the grid. */
  rates?: Float64Array;
  /** Spacing of a given rate field (with `rates`). */
  dt?: number;
}

/**
 * u′ = −λu integrated exactly for λ piecewise constant (λ_j on [t_j, t_{j+1})): u_{j+1} = u_j e^(−λ_j dt), the
 * same exact step as pdes/langevin.ts; for constant λ it is e^(−λt) at every node.
 */
export function integrateDecay(rates: Float64Array, dt: number, u0: number): Float64Array {
  const u = new Float64Array(rates.length);
  u[0] = u0;
  for (let j = 0; j + 1 < rates.length; j++) u[j + 1] = u[j]! * Math.exp(-rates[j]! * dt);
  return u;
}

export function simulateDecay(options: DecayOptions = {}): ProblemInstance {
  const kind = options.rates ? 'file' : (options.case ?? 'constant');
  if (!options.rates && !(decayCases as readonly string[]).includes(kind)) throw new ProblemError(`unknown decay case '${kind}' (expected one of ${decayCases.join(', ')})`);
  const nodes = options.rates?.length ?? options.nodes ?? decayDefaults.nodes;
  if (!Number.isInteger(nodes) || nodes < 8) throw new ProblemError(`grid ${nodes} is too small: the decay grid needs ≥ 8 nodes`);
  const duration = options.rates && options.dt !== undefined ? options.dt * (nodes - 1) : (options.duration ?? decayDefaults.duration);
  if (!(duration > 0)) throw new ProblemError(`duration ${duration} must be > 0`);
  const rate = options.rate ?? decayDefaults.rate;
  const grid: Grid1d = { dims: 1, n: nodes, t0: 0, dt: duration / (nodes - 1) };
  const lambda = options.rates ?? new Float64Array(nodes).fill(rate);
  // Constant λ: the closed form itself, so the truth the metrics score against is e^(−t) to the last bit.
  const u = options.rates ? integrateDecay(lambda, grid.dt, decayDefaults.u0) : Float64Array.from({ length: nodes }, (_, j) => decayDefaults.u0 * Math.exp(-rate * j * grid.dt));
  return {
    problem: 'decay',
    case: kind,
    grid,
    fields: { u, lambda },
    parameters: { rate: options.rates ? null : rate, u0: decayDefaults.u0, duration },
    seed: options.seed ?? 0,
  };
}
