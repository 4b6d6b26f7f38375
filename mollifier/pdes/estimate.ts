// The separable estimate straight from data, no network (SCIENCE.md §3.3): mollify the observed fields,
// take the derivatives the PDE needs, and solve the steady-state equation for the parameter node by node.
import { tf, type Tensor } from '../backend/tf.js';
import { Mollifier1d, Mollifier2d, assertBoundaryMode, defaultFamily, defaultRadius, type BoundaryMode } from '../layer/index.js';
import { fieldMean, fieldStd, pearson } from '../metrics/index.js';
import { chromatinDefaults, chromatinSeparable, heatSeparable, langevinSeparable, type ChromatinConstants } from './residuals.js';
import { cropField, cropGrid } from './grid-ops.js';
import { ProblemError, problemParameter, type Grid, type ProblemInstance } from './types.js';
import type { KernelFamily } from '../kernels/index.js';

export interface EstimateOptions {
  family?: KernelFamily;
  radius?: number;
  /** Default: 'periodic' on a periodic grid, else 'valid'. */
  boundary?: BoundaryMode;
  constants?: ChromatinConstants;
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

interface Mollified {
  estimate: Float64Array;
  smoothTruth?: Float64Array;
  trim: number;
}

function field32(instance: ProblemInstance, name: string): Float32Array {
  const values = instance.fields[name];
  if (!values) throw new ProblemError(`the ${instance.problem} data have no field '${name}'`);
  return Float32Array.from(values);
}

async function estimateLangevin(instance: ProblemInstance, common: { family: KernelFamily; radius: number; boundary: BoundaryMode }, truth?: Float64Array): Promise<Mollified> {
  const grid = instance.grid;
  if (grid.dims !== 1) throw new ProblemError('langevin data must be 1D');
  const layer = new Mollifier1d({ ...common, spacing: grid.dt, orders: [0, 1] });
  try {
    const v = tf.tensor1d(field32(instance, 'v'));
    const [value, slope] = layer.apply(v);
    const estimate = await read(langevinSeparable({ v: value!, dv: slope! }));
    const smoothTruth = truth ? await smoothWith1d(layer, truth) : undefined;
    tf.dispose([v, value!, slope!]);
    return { estimate, ...(smoothTruth ? { smoothTruth } : {}), trim: layer.trim };
  } finally {
    layer.dispose();
  }
}

async function smoothWith1d(layer: Mollifier1d, truth: Float64Array): Promise<Float64Array> {
  const t = tf.tensor1d(Float32Array.from(truth));
  const outputs = layer.apply(t);
  const smooth = await read(outputs[0]!);
  tf.dispose([t, ...outputs]);
  return smooth;
}

async function estimate2d(
  instance: ProblemInstance,
  common: { family: KernelFamily; radius: number; boundary: BoundaryMode },
  constants: ChromatinConstants,
  truth?: Float64Array,
): Promise<Mollified> {
  const grid = instance.grid;
  if (grid.dims !== 2) throw new ProblemError(`${instance.problem} data must be 2D`);
  const spacing: [number, number] = [grid.hy, grid.hx];
  const shape: [number, number] = [grid.ny, grid.nx];
  const isHeat = instance.problem === 'heat';
  const operators = isHeat ? (['value', 'laplacian'] as const) : (['value', 'dx', 'dy', 'laplacian', 'biharmonic'] as const);
  const layer = new Mollifier2d({ ...common, spacing, operators: [...operators] });
  try {
    const estimate = tf.tidy(() => {
      if (isHeat) {
        const [, laplacian] = layer.apply(tf.tensor2d(field32(instance, 'u'), shape));
        const [source] = layer.apply(tf.tensor2d(field32(instance, 'f'), shape));
        return heatSeparable({ laplacian: laplacian! }, source!);
      }
      const stacked = tf.stack([tf.tensor2d(field32(instance, 'phi_n'), shape), tf.tensor2d(field32(instance, 'phi_d'), shape)], 2);
      const parts = layer.apply(tf.expandDims(stacked, 0)).map((t) => tf.unstack(tf.squeeze(t, [0]), 2));
      const [value, dx, dy, laplacian, biharmonic] = parts as Tensor[][];
      return chromatinSeparable(
        {
          phiN: value![0]!, phiD: value![1]!, dxN: dx![0]!, dyN: dy![0]!, dxD: dx![1]!, dyD: dy![1]!,
          laplacianN: laplacian![0]!, laplacianD: laplacian![1]!, biharmonicD: biharmonic![1]!,
        },
        constants,
      );
    });
    const smoothTruth = truth
      ? await read(tf.tidy(() => layer.apply(tf.tensor2d(Float32Array.from(truth), shape))[0]!))
      : undefined;
    return { estimate: await read(estimate), ...(smoothTruth ? { smoothTruth } : {}), trim: layer.trim };
  } finally {
    layer.dispose();
  }
}

export async function separableEstimate(instance: ProblemInstance, options: EstimateOptions = {}): Promise<SeparableEstimate> {
  const parameter = problemParameter[instance.problem];
  const boundary = assertBoundaryMode(options.boundary ?? (instance.grid.dims === 2 && instance.grid.periodic ? 'periodic' : 'valid'));
  const common = { family: options.family ?? defaultFamily, radius: options.radius ?? defaultRadius, boundary };
  const truthFull = instance.fields[parameter];
  const mollified =
    instance.problem === 'langevin'
      ? await estimateLangevin(instance, common, truthFull)
      : await estimate2d(instance, common, options.constants ?? chromatinDefaults, truthFull);
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
