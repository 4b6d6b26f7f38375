// One entry for the built-in simulators, with the options the CLI's `simulate` offers.
import { ProblemError, type Grid, type ProblemInstance, type ProblemName } from './types.js';
import { assertLangevinCase, simulateLangevin } from './langevin.js';
import { assertHeatCase, simulateHeat } from './heat.js';
import { simulateDecay } from './decay.js';
import { parameterCase, periodicSquareGrid, simulateReactionDiffusion, type ReactionDiffusionOptions } from './reaction-diffusion.js';

export interface SimulateOptions {
  case?: string;
  /** Langevin: σ of the white-noise forcing; heat: σ of the noisy diffusivity. */
  noise?: number;
  /** Nodes (1D) or nodes per axis (2D). */
  grid?: number;
  /** Reaction-diffusion: k of the constant case, the scale k0 of the others. */
  k?: number;
  seed?: number;
  /** The parameter on its own grid (a --param-field file); replaces the case and sets the grid. */
  paramField?: { grid: Grid; values: Float64Array };
  /** Reaction-diffusion: interface length l of the free energy (default 0.03, the paper's). */
  interfaceLength?: number;
  /** Reaction-diffusion: progress of the time stepping. */
  onProgress?: (step: number, residual: number) => void;
  /** Reaction-diffusion solver settings (tolerance, maxSteps, dt, ...). */
  reactionDiffusion?: Omit<ReactionDiffusionOptions, 'grid' | 'k' | 'seed' | 'onProgress'>;
}

function refuse(problem: ProblemName, option: string, why: string): never {
  throw new ProblemError(`${option} does not apply to ${problem}: ${why}`);
}

function simulateRd(options: SimulateOptions): ProblemInstance {
  if (options.noise !== undefined) refuse('rd', '--noise', "the noisy case's distribution is fitted to the COMSOL data; scale it with --k");
  const seed = options.seed ?? 0;
  let grid: Grid;
  let k: Float64Array;
  let kind: string;
  if (options.paramField) {
    const field = options.paramField;
    if (field.grid.dims !== 2 || field.grid.nx !== field.grid.ny || Math.abs(field.grid.hx - field.grid.hy) > 1e-9 * field.grid.hx) {
      throw new ProblemError('the k field must sit on a square grid with equal spacing');
    }
    // A file cannot say it is periodic: its N×N nodes are taken as samples of the periodic square [x0, x0 + N·h).
    grid = { ...periodicSquareGrid(field.grid.nx, field.grid.nx * field.grid.hx), x0: field.grid.x0, y0: field.grid.y0 };
    k = field.values;
    kind = 'file';
  } else {
    grid = periodicSquareGrid(options.grid ?? 128, 10);
    kind = options.case ?? 'constant';
    k = parameterCase(kind, grid, seed, options.k);
  }
  const result = simulateReactionDiffusion({
    ...options.reactionDiffusion,
    ...(options.interfaceLength !== undefined ? { l: options.interfaceLength } : {}),
    grid: grid.nx,
    length: grid.nx * grid.hx,
    k,
    seed,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (!result.converged) {
    throw new ProblemError(
      `reaction-diffusion did not reach steady state in ${result.steps} steps (max |∂φ/∂t| = ${result.residual.toExponential(2)}); raise maxSteps or the tolerance`,
    );
  }
  return {
    problem: 'rd',
    case: kind,
    grid,
    fields: { phi_n: result.phi_n, phi_d: result.phi_d, k: result.k },
    parameters: { k0: options.k ?? null, l: result.l, steps: result.steps, residual: result.residual, length: grid.nx * grid.hx },
    seed,
  };
}

export function simulateProblem(problem: ProblemName, options: SimulateOptions = {}): ProblemInstance {
  if (problem !== 'rd' && options.k !== undefined) refuse(problem, '--k', 'it sets the reaction rate of rd');
  if (problem !== 'rd' && options.interfaceLength !== undefined) refuse(problem, '--interface-length', 'it sets the interface length of rd');
  if (problem !== 'rd' && Object.keys(options.reactionDiffusion ?? {}).length) refuse(problem, '--tolerance/--max-steps', 'they set the time stepping of rd');
  const seed = options.seed ?? 0;
  if (problem === 'langevin') {
    const field = options.paramField;
    if (field && field.grid.dims !== 1) throw new ProblemError('the F field must be 1D (columns t,F)');
    const instance = simulateLangevin({
      ...(options.case !== undefined ? { case: assertLangevinCase(options.case) } : {}),
      ...(options.noise !== undefined ? { noise: options.noise } : {}),
      ...(options.grid !== undefined ? { nodes: options.grid } : {}),
      ...(field && field.grid.dims === 1 ? { forcing: field.values, nodes: field.grid.n, duration: (field.grid.n - 1) * field.grid.dt } : {}),
      seed,
    });
    return field ? { ...instance, grid: field.grid } : instance;
  }
  if (problem === 'decay') {
    if (options.noise !== undefined) refuse(problem, '--noise', 'its only case, constant, has no noise');
    const field = options.paramField;
    if (field && field.grid.dims !== 1) throw new ProblemError('the lambda field must be 1D (columns t,lambda)');
    const instance = simulateDecay({
      ...(options.case !== undefined ? { case: options.case } : {}),
      ...(options.grid !== undefined ? { nodes: options.grid } : {}),
      ...(field && field.grid.dims === 1 ? { rates: field.values, dt: field.grid.dt } : {}),
      seed,
    });
    return field ? { ...instance, grid: field.grid } : instance;
  }
  if (problem === 'heat') {
    const field = options.paramField;
    if (field && field.grid.dims !== 2) throw new ProblemError('the D field must be 2D (columns x,y,D)');
    return simulateHeat({
      ...(options.case !== undefined ? { case: assertHeatCase(options.case) } : {}),
      ...(options.noise !== undefined ? { noise: options.noise } : {}),
      ...(options.grid !== undefined ? { nodes: options.grid } : {}),
      ...(field && field.grid.dims === 2 ? { diffusivity: field.values, grid: field.grid } : {}),
      seed,
    });
  }
  return simulateRd(options);
}
