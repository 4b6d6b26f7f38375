// The kernel radius from the data: Lepski's balancing principle (Lepski 1991; Lepski, Mammen & Spokoiny 1997) on
// the highest-order derivative the problem's estimate reads. A mollified derivative's error is a smoothing bias that
// grows with the radius plus noise that shrinks with it (the paper's eq 7). The noise part is known
// exactly once the noise level is: it is σ times the L2 norm of the derivative's weights. So, going up in radius, a
// radius is accepted while its derivative differs (RMS over the nodes every radius keeps) from every smaller
// radius's by no more than κ times that smaller radius's noise: the difference is then explained by noise, not by
// bias. The choice is the last radius accepted before the first that is not.
// σ comes from the data: fourth differences of the field along each axis cancel a smooth field up to cubic terms,
// leaving the noise, whose scale is read robustly (1.4826 × median absolute deviation).
import { tf } from '../backend/tf.js';
import { kernelWeights1d, kernelWeights2d, minimumRadius, operatorTerms, type KernelFamily, type Operator2d } from '../kernels/index.js';
import { Mollifier1d, Mollifier2d, type BoundaryMode } from '../layer/index.js';
import { ProblemError, type Grid, type ProblemInstance } from '../pdes/types.js';
import { orderOf } from './operators.js';
import type { FieldOperator, TrainingProblem } from './types.js';

/** κ of the rule [choice]: chosen on tuning instances only (docs/protocol.md). */
export const lepskiThreshold = 1.5;
/** The largest radius tried, and at most this fraction of the shorter axis (a valid-mode derivative needs room). */
export const largestRadius = 16;
export const largestRadiusFraction = 0.25;

export interface RadiusCandidate {
  radius: number;
  /** Standard deviation of the noise in the derivative at this radius: σ̂ · ‖weights‖₂. */
  noise: number;
  /** Largest RMS difference to a smaller radius's derivative, in units of that radius's noise (0 for the first). */
  worstGap: number;
  accepted: boolean;
}

export interface RadiusChoice {
  radius: number;
  criterion: 'lepski';
  kappa: number;
  /** The noise standard deviation estimated from the field (its units). */
  sigma: number;
  channel: string;
  operator: FieldOperator;
  candidates: RadiusCandidate[];
}

const mad = (values: Float64Array): number => {
  const sorted = Float64Array.from(values).sort();
  const median = sorted[sorted.length >> 1]!;
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  return 1.4826 * deviations[deviations.length >> 1]!;
};

/** σ of additive white noise on a field sampled on `grid`: 4th differences (1, −4, 6, −4, 1)/√70 along each axis. */
export function noiseSigma(values: ArrayLike<number>, grid: Grid): number {
  const residuals: number[] = [];
  const fourth = (at: (k: number) => number) => (at(0) - 4 * at(1) + 6 * at(2) - 4 * at(3) + at(4)) / Math.sqrt(70);
  if (grid.dims === 1) {
    for (let i = 0; i + 4 < grid.n; i++) residuals.push(fourth((k) => values[i + k]!));
  } else {
    for (let y = 0; y < grid.ny; y++) for (let x = 0; x + 4 < grid.nx; x++) residuals.push(fourth((k) => values[y * grid.nx + x + k]!));
    for (let x = 0; x < grid.nx; x++) for (let y = 0; y + 4 < grid.ny; y++) residuals.push(fourth((k) => values[(y + k) * grid.nx + x]!));
  }
  if (residuals.length < 8) throw new ProblemError(`the grid is too small to estimate its noise (${residuals.length} fourth differences)`);
  return mad(Float64Array.from(residuals));
}

/** The derivative the choice is made on: the highest-order operator of any channel (the noisiest term). */
function governingTerm(problem: TrainingProblem): { channel: string; operator: FieldOperator; order: number } {
  const order = (op: FieldOperator) => (problem.dims === 1 ? orderOf(op) : Math.max(...operatorTerms(op as Operator2d).map((t) => t.xOrder + t.yOrder)));
  let best: { channel: string; operator: FieldOperator; order: number } | undefined;
  for (const channel of problem.channels) {
    for (const operator of problem.derivatives[channel] ?? []) if (!best || order(operator) > best.order) best = { channel, operator, order: order(operator) };
  }
  if (!best) throw new ProblemError(`${problem.name}'s estimate reads no derivative: there is no radius to choose`);
  return best;
}

/** The term at each radius on the nodes every radius keeps (valid mode trims by the radius), flattened. */
async function termAt(values: Float32Array, grid: Grid, term: { operator: FieldOperator }, radius: number, options: { family: KernelFamily; boundary: BoundaryMode }, keep: number): Promise<Float64Array> {
  const layer =
    grid.dims === 1
      ? new Mollifier1d({ family: options.family, radius, boundary: options.boundary, spacing: grid.dt, orders: [orderOf(term.operator)] })
      : new Mollifier2d({ family: options.family, radius, boundary: options.boundary, spacing: [grid.hy, grid.hx], operators: [term.operator as Operator2d] });
  try {
    const shape = grid.dims === 1 ? [1, grid.n, 1] : [1, grid.ny, grid.nx, 1];
    const out = tf.tidy(() => layer.apply(tf.tensor(values, shape))[0]!);
    const data = Float64Array.from(await out.data());
    out.dispose();
    // Crop what this radius kept down to what the largest radius keeps.
    const extra = options.boundary === 'valid' ? keep - radius : 0;
    if (grid.dims === 1) return data.subarray(extra, data.length - extra);
    const width = grid.nx - (options.boundary === 'valid' ? 2 * radius : 0);
    const height = grid.ny - (options.boundary === 'valid' ? 2 * radius : 0);
    const cropped: number[] = [];
    for (let y = extra; y < height - extra; y++) for (let x = extra; x < width - extra; x++) cropped.push(data[y * width + x]!);
    return Float64Array.from(cropped);
  } finally {
    layer.dispose();
  }
}

function weightNorm(grid: Grid, family: KernelFamily, radius: number, operator: FieldOperator): number {
  const weights = grid.dims === 1 ? kernelWeights1d({ family, radius, spacing: grid.dt, order: orderOf(operator) }) : kernelWeights2d({ family, radius, spacing: [grid.hy, grid.hx], operator: operator as Operator2d }).weights;
  return Math.sqrt(weights.reduce((sum, w) => sum + w * w, 0));
}

/** Lepski's choice of radius for an instance's fields (see the top of this file). */
export async function chooseRadius(instance: ProblemInstance, problem: TrainingProblem, options: { family: KernelFamily; boundary: BoundaryMode; kappa?: number }): Promise<RadiusChoice> {
  const grid = instance.grid;
  const term = governingTerm(problem);
  const field = instance.fields[term.channel];
  if (!field) throw new ProblemError(`the ${instance.problem} data have no field '${term.channel}'`);
  const kappa = options.kappa ?? lepskiThreshold;
  const shortest = grid.dims === 1 ? grid.n : Math.min(grid.nx, grid.ny);
  const smallest = Math.max(2, minimumRadius(term.order));
  const largest = Math.min(largestRadius, Math.floor(largestRadiusFraction * shortest));
  if (largest < smallest) throw new ProblemError(`radius auto: the grid (${shortest} nodes across) leaves no radius between ${smallest} and a quarter of it to choose from`);
  const sigma = noiseSigma(field, grid);
  const values = Float32Array.from(field);
  const radii = Array.from({ length: largest - smallest + 1 }, (_, i) => smallest + i);
  const terms: Float64Array[] = [];
  const candidates: RadiusCandidate[] = [];
  let chosen = smallest;
  let stillAccepting = true;
  for (const radius of radii) {
    const current = await termAt(values, grid, term, radius, options, largest);
    const noise = sigma * weightNorm(grid, options.family, radius, term.operator);
    let worstGap = 0;
    terms.forEach((smaller, j) => {
      let sum = 0;
      for (let i = 0; i < current.length; i++) sum += (current[i]! - smaller[i]!) ** 2;
      const rms = Math.sqrt(sum / current.length);
      const scale = candidates[j]!.noise;
      worstGap = Math.max(worstGap, scale > 0 ? rms / scale : rms > 0 ? Infinity : 0);
    });
    const accepted = stillAccepting && worstGap <= kappa;
    if (accepted) chosen = radius;
    else stillAccepting = false;
    candidates.push({ radius, noise, worstGap, accepted });
    terms.push(current);
  }
  return { radius: chosen, criterion: 'lepski', kappa, sigma, channel: term.channel, operator: term.operator, candidates };
}

