// The separable estimate straight from data, no network: mollify the observed fields, take the derivatives the
// problem declares (problems/types.ts), and let its separable estimate solve for the parameter node by node.
import { tf, type Tensor } from '../backend/tf.js';
import { Mollifier1d, Mollifier2d, assertBoundaryMode, defaultFamily, defaultRadius, type BoundaryMode } from '../layer/index.js';
import { fieldMean, fieldStd, pearson } from '../metrics/index.js';
import { cropField, cropGrid } from '../pdes/grid-ops.js';
import { ProblemError, type Grid, type ProblemInstance } from '../pdes/types.js';
import type { KernelFamily, Operator2d } from '../kernels/index.js';
import { layerOperators, orderOf } from './operators.js';
import { termKey, type TrainingProblem } from './types.js';
import { chooseRadius, type RadiusChoice } from './radius-choice.js';
import { observeRelative } from '../pdes/observation.js';
import { interpolateOnGrid } from '../pdes/interpolation.js';

/**
 * The instance as a measurement would give it: every channel with additive Gaussian noise of σ = `noise` times the
 * channel's standard deviation, observed at the `sample` fraction of nodes training would observe with this seed
 * (training/data.ts: the same nodes, the same noise) and filled in between by the polyharmonic spline
 * (pdes/interpolation.ts); sources and the truth stay exact.
 */
export function withMeasurementNoise(instance: ProblemInstance, problem: TrainingProblem, noise: number, seed: number, sample = 1): ProblemInstance {
  if (!(noise >= 0)) throw new ProblemError(`measurement noise ${noise} must be ≥ 0`);
  if (noise === 0 && sample === 1) return instance;
  const fields = { ...instance.fields };
  for (const name of problem.channels) {
    const field = instance.fields[name];
    if (!field) throw new ProblemError(`the ${instance.problem} data have no field '${name}'`);
    const observation = observeRelative(field, { fraction: sample, relativeNoise: noise, seed });
    fields[name] = sample === 1 ? observation.values : interpolateOnGrid(instance.grid, observation.indices, Array.from(observation.indices, (i) => observation.values[i]!));
  }
  return { ...instance, fields };
}

export interface EstimateOptions {
  family?: KernelFamily;
  /** Cells, or 'auto': chosen from the data by Lepski's principle (radius-choice.ts), reported in the summary. */
  radius?: number | 'auto';
  /** Default: 'periodic' on a periodic grid, else 'valid'. */
  boundary?: BoundaryMode;
  /** The residual's constants (default: the problem's constantsOf for these data). */
  constants?: Readonly<Record<string, number>>;
}

export interface EstimateSummary {
  parameter: string;
  family: KernelFamily;
  radius: number;
  boundary: BoundaryMode;
  /** Kernel support radius in the grid's units (radius · spacing). */
  epsilon: number;
  nodes: number;
  mean: number;
  std: number;
  median: number;
  /** Present when the data carry the true parameter. */
  truth_mean?: number;
  truth_std?: number;
  mean_rel_err?: number;
  corr?: number;
  corr_smoothed?: number;
  /** Nodes where the estimate is not finite (division by a vanishing ∇²u or φ_e); excluded from statistics. */
  nonfinite: number;
  /** With radius 'auto': how it was chosen (the noise estimate, every radius tried). */
  radius_choice?: RadiusChoice;
}

export interface SeparableEstimate {
  grid: Grid;
  values: Float64Array;
  truth?: Float64Array;
  truthSmoothed?: Float64Array;
  summary: EstimateSummary;
}

// Asynchronous: the tensors may live on a GPU, where a synchronous read stalls (or, on webgpu, throws).
async function read(t: Tensor): Promise<Float64Array> {
  const values = Float64Array.from(await t.data());
  t.dispose();
  return values;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function field32(instance: ProblemInstance, name: string): Float32Array {
  const values = instance.fields[name];
  if (!values) throw new ProblemError(`the ${instance.problem} data have no field '${name}'`);
  return Float32Array.from(values);
}

/**
 * The problem's declared terms mollified from the data: every channel with its operators, every source field
 * mollified (value), all in one layer call on the stacked fields; the truth smoothed by the same kernel.
 */
async function mollifiedEstimate(
  instance: ProblemInstance,
  problem: TrainingProblem,
  common: { family: KernelFamily; radius: number; boundary: BoundaryMode },
  constants: Readonly<Record<string, number>>,
  truth?: Float64Array,
): Promise<{ estimate: Float64Array; smoothTruth?: Float64Array; trim: number }> {
  const separable = problem.separable;
  if (!separable) throw new ProblemError(`${problem.name} has no separable estimate: its parameter cannot be solved for node by node`);
  if (problem.derivatives[problem.parameter]) {
    throw new ProblemError(`${problem.name}'s separable estimate reads derivatives of ${problem.parameter}, which the data alone do not give`);
  }
  const grid = instance.grid;
  if (grid.dims !== problem.dims) throw new ProblemError(`${problem.name} data must be ${problem.dims}D`);
  const operators = layerOperators(problem);
  const layer =
    grid.dims === 1
      ? new Mollifier1d({ ...common, spacing: grid.dt, orders: operators.map(orderOf) })
      : new Mollifier2d({ ...common, spacing: [grid.hy, grid.hx], operators: operators as Operator2d[] });
  const names = [...problem.channels, ...problem.sources, ...(truth ? [problem.parameter] : [])];
  const shape = grid.dims === 1 ? [1, grid.n] : [1, grid.ny, grid.nx];
  try {
    const [estimate, smoothTruth] = tf.tidy(() => {
      const stacked = tf.stack(names.map((name) => tf.tensor(field32(instance, name), shape)), shape.length);
      const parts = layer.apply(stacked).map((t) => tf.unstack(tf.squeeze(t, [0]), shape.length - 1));
      const terms: Record<string, Tensor> = {};
      names.forEach((name, c) => {
        terms[name] = parts[0]![c]!;
        operators.forEach((op, o) => (terms[termKey(name, op)] = parts[o]![c]!));
      });
      const values = tf.reshape(separable(terms, { constants }), [-1]);
      return truth ? [values, tf.reshape(terms[problem.parameter]!, [-1])] : [values];
    });
    return { estimate: await read(estimate!), ...(smoothTruth ? { smoothTruth: await read(smoothTruth) } : {}), trim: layer.trim };
  } finally {
    layer.dispose();
  }
}

/** The parameter straight from an instance's fields by the problem's separable estimate (no network). */
export async function separableEstimate(instance: ProblemInstance, problem: TrainingProblem, options: EstimateOptions = {}): Promise<SeparableEstimate> {
  if (instance.problem !== problem.name) throw new ProblemError(`the data hold a ${instance.problem} instance, not ${problem.name}`);
  const parameter = problem.parameter;
  const boundary = assertBoundaryMode(options.boundary ?? (instance.grid.dims === 2 && instance.grid.periodic ? 'periodic' : 'valid'));
  const family = options.family ?? defaultFamily;
  const choice = options.radius === 'auto' ? await chooseRadius(instance, problem, { family, boundary }) : undefined;
  const common = { family, radius: choice?.radius ?? (options.radius as number | undefined) ?? defaultRadius, boundary };
  const truthFull = instance.fields[parameter];
  const constants = options.constants ?? problem.constantsOf?.(undefined, instance) ?? {};
  const mollified = await mollifiedEstimate(instance, problem, common, constants, truthFull);
  const grid = cropGrid(instance.grid, mollified.trim);
  const values = mollified.estimate;
  const truth = truthFull ? cropField(truthFull, instance.grid, mollified.trim) : undefined;
  const finite = values.map((v, i) => (Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  const pick = (a: Float64Array) => Float64Array.from(finite, (i) => a[i]!);
  const estimate = pick(values);
  if (estimate.length < 2) throw new ProblemError(`the ${parameter} estimate has fewer than two finite values`);
  const spacing = instance.grid.dims === 1 ? instance.grid.dt : Math.max(instance.grid.hx, instance.grid.hy);
  const summary: EstimateSummary = {
    parameter,
    family: common.family,
    radius: common.radius,
    boundary,
    epsilon: common.radius * spacing,
    nodes: values.length,
    mean: fieldMean(estimate),
    std: fieldStd(estimate),
    median: median(estimate),
    nonfinite: values.length - estimate.length,
    ...(choice ? { radius_choice: choice } : {}),
  };
  if (truth) {
    const t = pick(truth);
    summary.truth_mean = fieldMean(t);
    summary.truth_std = fieldStd(t);
    summary.mean_rel_err = Math.abs(summary.mean - summary.truth_mean) / Math.abs(summary.truth_mean);
    summary.corr = pearson(estimate, t);
    if (mollified.smoothTruth) summary.corr_smoothed = pearson(estimate, pick(mollified.smoothTruth));
  }
  return {
    grid,
    values,
    ...(truth ? { truth } : {}),
    ...(mollified.smoothTruth ? { truthSmoothed: mollified.smoothTruth } : {}),
    summary,
  };
}
