// Langevin benchmark, 1st order in time: v'(t) = −v(t) + F(t) on [0, 10], v(0) = 0.
// With F piecewise constant on each step the update is exact: v_{j+1} = v_j e^(−dt) + F_j (1 − e^(−dt)).
import { ProblemError, type Grid1d, type ProblemInstance } from './types.js';
import { deriveSeed, seededNormals } from './random.js';

export const langevinCases = ['constant', 'white', 'varying', 'varying-noisy'] as const;
export type LangevinCase = (typeof langevinCases)[number];

/** [choice] defaults (README.md, "Simulator choices"). */
export const langevinDefaults = { nodes: 1001, duration: 10, mean: 1, amplitude: 0.5, period: 2.5, noise: 0.25 } as const;

export interface LangevinOptions {
  case?: LangevinCase;
  /** Nodes including t = 0 (default 1001: dt = 0.01). */
  nodes?: number;
  duration?: number;
  /** μ (constant) or μ0 (varying). */
  mean?: number;
  amplitude?: number;
  period?: number;
  /** σ of the white-noise forcing (cases white and varying-noisy). */
  noise?: number;
  seed?: number;
  /** A forcing given per node (from --param-field); overrides the case. */
  forcing?: Float64Array;
}

export function assertLangevinCase(name: string): LangevinCase {
  if (!(langevinCases as readonly string[]).includes(name)) {
    throw new ProblemError(`unknown langevin case '${name}' (expected one of ${langevinCases.join(', ')})`);
  }
  return name as LangevinCase;
}

export function langevinForcing(grid: Grid1d, options: Omit<Required<Omit<LangevinOptions, 'forcing' | 'nodes' | 'duration'>>, 'case'> & { case: string }): Float64Array {
  const kind = assertLangevinCase(options.case);
  const noisy = kind === 'white' || kind === 'varying-noisy';
  const varying = kind === 'varying' || kind === 'varying-noisy';
  const xi = noisy ? seededNormals(grid.n, deriveSeed(options.seed, 'langevin-forcing')) : undefined;
  return Float64Array.from({ length: grid.n }, (_, j) => {
    const t = grid.t0 + j * grid.dt;
    const mean = varying ? options.mean + options.amplitude * Math.sin((2 * Math.PI * t) / options.period) : options.mean;
    return mean + (xi ? options.noise * xi[j]! : 0);
  });
}

/** Integrate v' = −v + F exactly for piecewise-constant F (F_j holds on [t_j, t_j+1)). */
export function integrateLangevin(forcing: Float64Array, dt: number, v0 = 0): Float64Array {
  const decay = Math.exp(-dt);
  const v = new Float64Array(forcing.length);
  v[0] = v0;
  for (let j = 0; j + 1 < forcing.length; j++) v[j + 1] = v[j]! * decay + forcing[j]! * (1 - decay);
  return v;
}

export function simulateLangevin(options: LangevinOptions = {}): ProblemInstance {
  const nodes = options.nodes ?? options.forcing?.length ?? langevinDefaults.nodes;
  if (!Number.isInteger(nodes) || nodes < 8) throw new ProblemError(`grid ${nodes} is too small: the langevin grid needs ≥ 8 nodes`);
  const duration = options.duration ?? langevinDefaults.duration;
  if (!(duration > 0)) throw new ProblemError(`duration ${duration} must be > 0`);
  const noise = options.noise ?? langevinDefaults.noise;
  if (!(noise >= 0)) throw new ProblemError(`noise ${noise} must be ≥ 0`);
  const grid: Grid1d = { dims: 1, n: nodes, t0: 0, dt: duration / (nodes - 1) };
  const settings = {
    case: options.forcing ? 'file' : assertLangevinCase(options.case ?? 'constant'),
    mean: options.mean ?? langevinDefaults.mean,
    amplitude: options.amplitude ?? langevinDefaults.amplitude,
    period: options.period ?? langevinDefaults.period,
    noise,
    seed: options.seed ?? 0,
  };
  if (options.forcing && options.forcing.length !== nodes) {
    throw new ProblemError(`the forcing field has ${options.forcing.length} nodes, the grid ${nodes}`);
  }
  const F = options.forcing ?? langevinForcing(grid, settings);
  const v = integrateLangevin(F, grid.dt);
  return {
    problem: 'langevin',
    case: settings.case,
    grid,
    fields: { v, F },
    parameters: { mean: settings.mean, amplitude: settings.amplitude, period: settings.period, noise, duration, v0: 0 },
    seed: settings.seed,
  };
}
