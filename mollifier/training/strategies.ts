// The two derivative paths of a training step. Mollified: the model is evaluated on the whole grid and the
// mollifier layer gives û and every derivative at once on the interior. Autodiff: nested tf.grad at a random
// batch of collocation nodes per step (batches keep the 3rd- and 4th-order graphs inside memory).
import { tf, type Tensor, type Tensor2D } from '../backend/tf.js';
import { Mollifier1d, Mollifier2d, type BoundaryMode } from '../layer/index.js';
import { derivatives1dOfOutputs, operators2dOfOutputs } from '../autodiff/index.js';
import type { FieldModel } from '../models/types.js';
import type { KernelFamily } from '../kernels/index.js';
import { deriveSeed, uniformGenerator } from '../pdes/random.js';
import { cropField, cropGrid } from '../pdes/grid-ops.js';
import { gridCoordinates, type Grid } from '../pdes/types.js';
import type { TrainingData } from './data.js';
import { layerOperators, orderOf, termKey, type FieldOperator, type TermMap, type TrainingProblem } from '../problems/index.js';
import type { Operator2d } from '../kernels/index.js';

export interface StepLosses {
  data: Tensor;
  pde: Tensor;
}

export interface Estimates {
  /** Nodes where the estimates live (the interior the kernel covers). */
  grid: Grid;
  /** The separable estimate, where the problem has one. */
  separable: Float64Array | undefined;
  direct: Float64Array;
  /** The term the problem reports as its field's Laplacian (reportedLaplacian), if it names one. */
  laplacian: Float64Array | undefined;
  /** Predicted field channels on these nodes. */
  fields: Float64Array[];
}

export interface Strategy {
  losses(): StepLosses;
  /** Reads asynchronously: tensors may live on a GPU (webgpu cannot read synchronously at all). */
  estimates(): Promise<Estimates>;
  dispose(): void;
}

export interface StrategyOptions {
  family: KernelFamily;
  radius: number;
  boundary: BoundaryMode;
  /** The residual's constants (problems/types.ts ResidualContext). */
  constants: Readonly<Record<string, number>>;
  seed: number;
  /** Autodiff: collocation nodes per step. */
  collocationBatch: number;
  /** Mollified, `valid` boundary: fit observed rim nodes with the raw network output [choice: true]. */
  rimData: boolean;
}

async function read(t: Tensor): Promise<Float64Array> {
  const out = Float64Array.from(await t.data());
  t.dispose();
  return out;
}

/** The model's field in data units: mean + scale · network output, per channel. */
function fieldOf(data: TrainingData, model: FieldModel, x: Tensor2D): { field: Tensor2D; parameter: Tensor } {
  const out = model.apply(x);
  const field = tf.add(tf.mul(out.field, tf.tensor1d(data.channelScale)), tf.tensor1d(data.channelMean)) as Tensor2D;
  // A positive parameter's head is its logarithm: exp keeps it positive and lets a PDE loss move it by factors.
  const raw = tf.reshape(out.parameter, [-1]);
  return { field, parameter: data.problem.positiveParameter ? tf.exp(raw) : raw };
}

function trimOf(options: StrategyOptions): number {
  return options.boundary === 'valid' ? options.radius : 0;
}

/** Interior node indices (row-major) of the grid after trimming `trim` nodes on every side. */
function interiorIndices(grid: Grid, trim: number): Int32Array {
  const all = Int32Array.from({ length: grid.dims === 1 ? grid.n : grid.nx * grid.ny }, (_, i) => i);
  return Int32Array.from(cropField(Float64Array.from(all), grid, trim));
}

/** Nodes of the grid outside `interior` (both sorted, row-major). */
function rimIndices(grid: Grid, interior: Int32Array): Int32Array {
  const inside = new Uint8Array(grid.dims === 1 ? grid.n : grid.nx * grid.ny);
  for (const node of interior) inside[node] = 1;
  const out: number[] = [];
  inside.forEach((v, node) => v || out.push(node));
  return Int32Array.from(out);
}

function rimMask(nodes: number, rim: Int32Array): Float32Array {
  const mask = new Float32Array(nodes);
  for (const node of rim) mask[node] = 1;
  return mask;
}

function dataLoss(data: TrainingData, predicted: Tensor, targets: Tensor, mask: Tensor): Tensor {
  // predicted and targets [M, C], mask [M, 1]; every channel normalised by its own scale.
  const scaled = tf.div(tf.sub(predicted, targets), tf.tensor1d(data.channelScale));
  return tf.div(tf.sum(tf.mul(tf.square(scaled), mask)), tf.mul(tf.sum(mask), data.channels.length));
}

export function mollifiedStrategy(data: TrainingData, model: FieldModel, options: StrategyOptions): Strategy {
  const problem = data.problem;
  const trim = trimOf(options);
  const common = { family: options.family, radius: options.radius, boundary: options.boundary };
  const grid = data.grid;
  const operators = layerOperators(problem);
  const layer =
    grid.dims === 1
      ? new Mollifier1d({ ...common, spacing: grid.dt, orders: operators.map(orderOf) })
      : new Mollifier2d({ ...common, spacing: [grid.hy, grid.hx], operators: operators as Operator2d[] });
  const interior = interiorIndices(grid, trim);
  const channels = data.channels.length;
  const pick = (values: Float32Array, width: number) => {
    const out = new Float32Array(interior.length * width);
    interior.forEach((node, i) => out.set(values.subarray(node * width, node * width + width), i * width));
    return out;
  };
  const x = tf.keep(tf.tensor2d(data.coordinates, [data.nodes, data.dims]));
  const targets = tf.keep(tf.tensor2d(pick(data.targets, channels), [interior.length, channels]));
  const mask = tf.keep(tf.tensor2d(pick(data.mask, 1), [interior.length, 1]));
  // The rim the `valid` layer leaves without a value: observed nodes there are fitted by the raw network
  // output. Without it the network is free on the rim, and the rim shapes the interior's derivatives.
  const rimObserved = options.rimData ? rimIndices(grid, interior).filter((node) => data.mask[node] === 1) : new Int32Array(0);
  const interiorObserved = interior.reduce((n, node) => n + (data.mask[node] === 1 ? 1 : 0), 0);
  // As full-grid mask and targets: a gather's gradient needs UnsortedSegmentSum, which wasm lacks.
  const rim = rimObserved.length
    ? {
        mask: tf.keep(tf.tensor2d(rimMask(data.nodes, rimObserved), [data.nodes, 1])),
        targets: tf.keep(tf.tensor2d(data.targets, [data.nodes, channels])),
      }
    : undefined;
  const sources = Object.fromEntries(problem.sources.map((name) => [name, tf.keep(tf.tensor1d(pick(Float32Array.from(data.instance.fields[name]!), 1)))]));
  const gridShape = [1, ...data.shape];
  // A forward problem's parameter is known: the instance's field on the grid stands in for the parameter head.
  const known = problem.forward ? tf.keep(tf.tensor(Float32Array.from(data.truthParameter!), [...gridShape, 1])) : undefined;

  const evaluate = () => {
    const { field, parameter } = fieldOf(data, model, x);
    const outputs = layer.apply(tf.reshape(field, [...gridShape, channels]));
    // Each output [1, ...interior, C] → [interior nodes, C]
    const flat = outputs.map((o) => tf.reshape(o, [interior.length, channels]));
    const channel = (t: Tensor, c: number) => tf.reshape(tf.slice(t, [0, c], [interior.length, 1]), [-1]);
    const terms: Record<string, Tensor> = { ...sources };
    data.channels.forEach((name, c) => {
      for (const op of problem.derivatives[name] ?? []) terms[termKey(name, op)] = channel(flat[operators.indexOf(op)]!, c);
    });
    const parameterGrid = known ?? tf.reshape(parameter, [...gridShape, 1]);
    const begin = [0, ...data.shape.map(() => trim), 0];
    const size = [1, ...data.shape.map((n) => n - 2 * trim), 1];
    const interiorParameter = tf.reshape(tf.slice(parameterGrid, begin, size), [-1]);
    // Derivatives of the parameter itself (a divergence-form residual needs ∇D): the same layer on its grid.
    const parameterOps = (problem.derivatives[problem.parameter] ?? []).filter((op) => op !== 'value');
    if (parameterOps.length) {
      const mollified = layer.apply(parameterGrid);
      for (const op of parameterOps) terms[termKey(problem.parameter, op)] = tf.reshape(mollified[operators.indexOf(op)]!, [-1]);
    }
    return { terms, parameter: interiorParameter, smoothed: flat[0]!, rawField: field };
  };

  return {
    losses() {
      const { terms, parameter, smoothed, rawField } = evaluate();
      const pde = tf.mean(tf.square(tf.div(problem.residual(terms, parameter, { constants: options.constants }), data.residualScale)));
      if (!rim) return { data: dataLoss(data, smoothed, targets, mask), pde };
      const squared = (predicted: Tensor, observed: Tensor, weights: Tensor) =>
        tf.sum(tf.mul(tf.square(tf.div(tf.sub(predicted, observed), tf.tensor1d(data.channelScale))), weights));
      const total = tf.add(squared(smoothed, targets, mask), squared(rawField, rim.targets, rim.mask));
      return { data: tf.div(total, (interiorObserved + rimObserved.length) * channels), pde };
    },
    async estimates() {
      const result = tf.tidy(() => {
        const { terms, parameter, smoothed } = evaluate();
        const laplacian = problem.reportedLaplacian ? terms[problem.reportedLaplacian] : undefined;
        return { sep: problem.separable?.(terms, { constants: options.constants }), parameter, laplacian, smoothed };
      });
      const smoothed = await read(result.smoothed);
      return {
        grid: cropGrid(grid, trim),
        separable: result.sep ? await read(result.sep) : undefined,
        direct: await read(result.parameter),
        laplacian: result.laplacian ? await read(result.laplacian) : undefined,
        fields: data.channels.map((_, c) => smoothed.filter((_, i) => i % channels === c)),
      };
    },
    dispose() {
      tf.dispose([x, targets, mask, ...Object.values(sources), ...(rim ? [rim.mask, rim.targets] : []), ...(known ? [known] : [])]);
      layer.dispose();
    },
  };
}

/**
 * The problem's derivatives of each channel (and of the parameter, where a divergence form reads ∇D) at the points
 * x by nested autodiff, with its sources there, and the field and parameter values: one forward pass of the model
 * serves them all (the model's outputs as the columns of one [N, channels + 1] function). A forward problem's known
 * parameter at the points (`known`) replaces the parameter head's column.
 */
function autodiffTerms(data: TrainingData, model: FieldModel, x: Tensor2D, sources: TermMap, known: Tensor | undefined): { terms: TermMap; field: Tensor2D; parameter: Tensor } {
  const names = known ? [...data.channels] : [...data.channels, data.problem.parameter];
  // 'value' first in every column: the field and parameter themselves come free with the forward pass.
  const opsOf: FieldOperator[][] = names.map((name) => ['value', ...(data.problem.derivatives[name] ?? []).filter((op) => op !== 'value')]);
  const outputs = (points: Tensor2D): Tensor2D => {
    const { field, parameter } = fieldOf(data, model, points);
    return known ? field : (tf.concat([field, tf.reshape(parameter, [-1, 1])], 1) as Tensor2D);
  };
  const values =
    data.dims === 1
      ? derivatives1dOfOutputs(outputs, x, opsOf.map((ops) => ops.map(orderOf)))
      : operators2dOfOutputs(outputs, x, opsOf as Operator2d[][]);
  const terms: Record<string, Tensor> = { ...sources };
  names.forEach((name, c) => {
    for (const op of data.problem.derivatives[name] ?? []) terms[termKey(name, op)] = tf.reshape(values[c]![opsOf[c]!.indexOf(op)]!, [-1]);
  });
  const field = tf.concat(values.slice(0, data.channels.length).map((column) => column[0]!), 1) as Tensor2D;
  return { terms, field, parameter: known ?? tf.reshape(values[names.length - 1]![0]!, [-1]) };
}

export function autodiffStrategy(data: TrainingData, model: FieldModel, options: StrategyOptions): Strategy {
  const trim = trimOf(options);
  const grid = data.grid;
  const interior = interiorIndices(grid, trim);
  const batch = Math.min(options.collocationBatch, interior.length);
  const uniform = uniformGenerator(deriveSeed(options.seed, 'collocation'));
  const channels = data.channels.length;
  const coordinatesOf = (nodes: ArrayLike<number>) => {
    const out = new Float32Array(nodes.length * data.dims);
    for (let i = 0; i < nodes.length; i++) out.set(data.coordinates.subarray(nodes[i]! * data.dims, nodes[i]! * data.dims + data.dims), i * data.dims);
    return tf.tensor2d(out, [nodes.length, data.dims]);
  };
  const problem = data.problem;
  const sourcesAt = (nodes: ArrayLike<number>): TermMap => Object.fromEntries(problem.sources.map((name) => [name, tf.tensor1d(Float32Array.from(nodes, (n) => data.instance.fields[name]![n]!))]));
  const knownAt = (nodes: ArrayLike<number>) => (problem.forward ? tf.tensor1d(Float32Array.from(nodes, (n) => data.truthParameter![n]!)) : undefined);
  const observedX = tf.keep(coordinatesOf(data.observed));
  const observedTargets = tf.keep(
    tf.tensor2d(Float32Array.from({ length: data.observed.length * channels }, (_, i) => data.targets[data.observed[Math.floor(i / channels)]! * channels + (i % channels)]!), [data.observed.length, channels]),
  );
  const ones = tf.keep(tf.ones([data.observed.length, 1]));

  const sampleBatch = (): Int32Array => {
    // A partial Fisher-Yates draw of `batch` distinct interior nodes.
    const order = Int32Array.from(interior);
    for (let i = 0; i < batch; i++) {
      const j = i + Math.floor(uniform() * (order.length - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.slice(0, batch);
  };

  return {
    losses() {
      const nodes = sampleBatch();
      const x = coordinatesOf(nodes);
      const { terms, parameter } = autodiffTerms(data, model, x, sourcesAt(nodes), knownAt(nodes));
      const pde = tf.mean(tf.square(tf.div(problem.residual(terms, parameter, { constants: options.constants }), data.residualScale)));
      const predicted = fieldOf(data, model, observedX).field;
      return { data: dataLoss(data, predicted, observedTargets, ones), pde };
    },
    async estimates() {
      const parts: { sep: Float64Array[]; direct: Float64Array[]; laplacian: Float64Array[]; fields: Float64Array[][] } = { sep: [], direct: [], laplacian: [], fields: [] };
      for (let start = 0; start < interior.length; start += batch) {
        const nodes = interior.subarray(start, Math.min(interior.length, start + batch));
        const out = tf.tidy(() => {
          const x = coordinatesOf(nodes);
          const { terms, field, parameter } = autodiffTerms(data, model, x, sourcesAt(nodes), knownAt(nodes));
          const laplacian = problem.reportedLaplacian ? terms[problem.reportedLaplacian] : undefined;
          return { sep: problem.separable?.(terms, { constants: options.constants }), parameter, laplacian, field };
        });
        if (out.sep) parts.sep.push(await read(out.sep));
        parts.direct.push(await read(out.parameter));
        if (out.laplacian) parts.laplacian.push(await read(out.laplacian));
        const field = await read(out.field);
        parts.fields.push(data.channels.map((_, c) => field.filter((_, i) => i % channels === c)));
      }
      const join = (arrays: Float64Array[]) => {
        const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
        let offset = 0;
        for (const a of arrays) (out.set(a, offset), (offset += a.length));
        return out;
      };
      return {
        grid: cropGrid(grid, trim),
        separable: parts.sep.length ? join(parts.sep) : undefined,
        direct: join(parts.direct),
        laplacian: parts.laplacian.length ? join(parts.laplacian) : undefined,
        fields: data.channels.map((_, c) => join(parts.fields.map((f) => f[c]!))),
      };
    },
    dispose() {
      tf.dispose([observedX, observedTargets, ones]);
    },
  };
}

/** Coordinates of the estimate nodes, for writing fields. */
export function estimateCoordinates(grid: Grid): Float64Array[] {
  return gridCoordinates(grid);
}
