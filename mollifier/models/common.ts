// Pieces the three architectures share: option checks, the [-1, 1] coordinate scaling, a seeded plain-JS
// random source (deterministic on every backend, one independent stream per named tensor), variables with
// names, dense layers, and a float64 least-squares solve.
import { InputError } from '../errors.js';
import { tf } from '../backend/tf.js';
import { mulberry32 } from '../random.js';
import type { Tensor, Tensor2D, Variable } from '../backend/tf.js';
import { modelPresets, type ModelOptions, type ModelPreset } from './types.js';
import { dense, requireInteger as requireIntegerOf } from '../nets/mlp.js';

export class ModelError extends InputError {
  override name = 'ModelError';
}

export function requireInteger(name: string, value: unknown, minimum: number): number {
  return requireIntegerOf(name, value, minimum, ModelError);
}

export function requirePositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ModelError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

export interface CommonOptions {
  inputDim: number;
  fieldChannels: number;
  preset: ModelPreset;
  seed: number;
  bounds: Array<[number, number]>;
}

/** Checks and defaults of the options every model shares (sizes are each model's own business). */
export function resolveCommon(options: ModelOptions): CommonOptions {
  if (options === null || typeof options !== 'object') throw new ModelError('model options must be an object');
  const inputDim = requireInteger('inputDim', options.inputDim, 1);
  const fieldChannels = requireInteger('fieldChannels', options.fieldChannels, 1);
  const preset = options.preset ?? 'cpu';
  if (!(modelPresets as readonly string[]).includes(preset)) {
    throw new ModelError(`preset '${String(preset)}' is not one of ${modelPresets.join(', ')}`);
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ModelError(`seed must be a finite number, got ${String(seed)}`);
  const bounds = options.bounds ?? Array.from({ length: inputDim }, (): [number, number] => [0, 1]);
  if (!Array.isArray(bounds) || bounds.length !== inputDim) {
    throw new ModelError(`bounds must hold one [min, max] per input dimension (${inputDim}), got ${JSON.stringify(bounds)}`);
  }
  for (const b of bounds) {
    if (!Array.isArray(b) || b.length !== 2 || !Number.isFinite(b[0]) || !Number.isFinite(b[1]) || !(b[1] > b[0])) {
      throw new ModelError(`each bound must be finite [min, max] with max > min, got ${JSON.stringify(b)}`);
    }
  }
  return { inputDim, fieldChannels, preset, seed, bounds: bounds.map(([a, b]) => [a, b]) };
}

/** x -> 2 (x - min) / (max - min) - 1 per column, with constants kept until `dispose`. */
export class CoordinateScaler {
  private readonly low: Tensor;
  private readonly inverseHalfSpan: Tensor;

  constructor(bounds: Array<[number, number]>) {
    this.low = tf.keep(tf.tensor1d(bounds.map((b) => b[0])));
    this.inverseHalfSpan = tf.keep(tf.tensor1d(bounds.map((b) => 2 / (b[1] - b[0]))));
  }

  scale(x: Tensor2D): Tensor2D {
    return tf.sub(tf.mul(tf.sub(x, this.low), this.inverseHalfSpan), 1) as Tensor2D;
  }

  dispose(): void {
    tf.dispose([this.low, this.inverseHalfSpan]);
  }
}

export function checkPoints(x: Tensor2D, inputDim: number, what = 'apply()'): void {
  if (!x || x.rank !== 2 || x.shape[1] !== inputDim) {
    throw new ModelError(`${what} expects points [N, ${inputDim}], got [${x?.shape?.join(', ') ?? String(x)}]`);
  }
}

// ---- seeded random numbers (plain JS) ------------------------------------------------------------------

/** FNV-1a of the seed and stream name, then the library's generator (random.ts): one independent stream per name. */
export class Rng {
  private readonly next: () => number;
  private spare: number | null = null;

  constructor(seed: number, stream: string) {
    let h = 2166136261;
    const key = `${seed}:${stream}`;
    for (let i = 0; i < key.length; i += 1) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    this.next = mulberry32(h);
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return (this.next() + 0.5) / 4294967296;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  }
}

export function glorotUniformValues(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng.uniform() - 1) * limit);
}

/** Plain (untruncated) normal with Glorot's variance 2 / (fanIn + fanOut). */
export function glorotNormalValues(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const std = Math.sqrt(2 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => rng.normal() * std);
}

export function normalValues(size: number, mean: number, std: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: size }, () => mean + std * rng.normal());
}

// ---- variables -----------------------------------------------------------------------------------------

/**
 * Creates the model's variables in order and remembers their names. tf.variable names must be unique in
 * the whole engine, so the tfjs names stay automatic; ours are for descriptions and test messages.
 */
export class VariableStore {
  readonly variables: Variable[] = [];
  readonly names: string[] = [];
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed;
  }

  rng(name: string): Rng {
    return new Rng(this.seed, name);
  }

  add(name: string, shape: number[], values: Float32Array): Variable {
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32')));
    this.variables.push(variable);
    this.names.push(name);
    return variable;
  }

  constant(name: string, shape: number[], value: number): Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.add(name, shape, new Float32Array(size).fill(value));
  }

  parameterCount(): number {
    return this.variables.reduce((sum, v) => sum + v.size, 0);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export interface Dense {
  kernel: Variable;
  bias: Variable;
}

/** Glorot-uniform kernel [fanIn, fanOut], constant bias. */
export function createDense(store: VariableStore, name: string, fanIn: number, fanOut: number, biasValue = 0): Dense {
  const kernel = store.add(`${name}/kernel`, [fanIn, fanOut], glorotUniformValues(fanIn, fanOut, store.rng(`${name}/kernel`)));
  const bias = store.constant(`${name}/bias`, [fanOut], biasValue);
  return { kernel, bias };
}

export { dense };

/** Columns [start, start + count) of a 2D tensor. */
export function columns(x: Tensor2D, start: number, count: number): Tensor2D {
  return tf.slice(x, [0, start], [x.shape[0], count]);
}

// ---- float64 least squares -----------------------------------------------------------------------------

/**
 * min_W ||F W - Y||² + ridge · Σ_j penalised[j] · ||W_j||² by the normal equations and Cholesky, in float64.
 * F is [n, p] row-major, Y is [n, c]; returns W as [p, c] row-major. `ridge` is relative to the mean of the
 * diagonal of FᵀF, so it does not depend on the number of points or the scale of the features.
 */
export function ridgeLeastSquares(
  features: ArrayLike<number>,
  n: number,
  p: number,
  targets: ArrayLike<number>,
  c: number,
  ridge: number,
  penalised: (j: number) => boolean = () => true,
): Float64Array {
  const a = new Float64Array(p * p);
  const rhs = new Float64Array(p * c);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < p; j += 1) row[j] = features[i * p + j]!;
    for (let j = 0; j < p; j += 1) {
      const fj = row[j]!;
      if (fj === 0) continue;
      const base = j * p;
      for (let k = j; k < p; k += 1) a[base + k] += fj * row[k]!;
      for (let m = 0; m < c; m += 1) rhs[j * c + m] += fj * targets[i * c + m]!;
    }
  }
  let trace = 0;
  for (let j = 0; j < p; j += 1) trace += a[j * p + j]!;
  const lambda = ridge * Math.max(trace / p, Number.MIN_VALUE);
  for (let j = 0; j < p; j += 1) {
    for (let k = 0; k < j; k += 1) a[j * p + k] = a[k * p + j]!;
    // A tiny floor on every diagonal entry (bias column included) keeps Cholesky defined for constant features.
    a[j * p + j] += (penalised(j) ? lambda : 0) + 1e-12 * Math.max(trace / p, 1e-300);
  }
  // Cholesky A = L Lᵀ, in place in the lower triangle.
  for (let j = 0; j < p; j += 1) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k += 1) d -= a[j * p + k]! ** 2;
    if (!(d > 0)) throw new ModelError(`least squares: normal matrix is not positive definite at column ${j}`);
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i += 1) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k += 1) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / ljj;
    }
  }
  const w = new Float64Array(p * c);
  for (let m = 0; m < c; m += 1) {
    const y = new Float64Array(p);
    for (let i = 0; i < p; i += 1) {
      let s = rhs[i * c + m]!;
      for (let k = 0; k < i; k += 1) s -= a[i * p + k]! * y[k]!;
      y[i] = s / a[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i -= 1) {
      let s = y[i]!;
      for (let k = i + 1; k < p; k += 1) s -= a[k * p + i]! * w[k * c + m]!;
      w[i * c + m] = s / a[i * p + i]!;
    }
  }
  return w;
}
