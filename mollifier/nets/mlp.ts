// A small fully-connected network on raw tf.variable weights. No tfjs-layers: every op is a plain,
// differentiable tfjs-core op (matMul + add, never fused), so nested tf.grad works to any order in the
// input and tf.variableGrads works through those nested gradients (the autodiff baseline needs both).
import { InputError } from '../errors.js';
import { tf } from '../backend/tf.js';
import type { Tensor, Tensor2D, Variable } from '../backend/tf.js';

export type Activation = 'tanh' | 'sigmoid' | 'elu' | 'relu' | 'sin';
export const activations: readonly Activation[] = ['tanh', 'sigmoid', 'elu', 'relu', 'sin'];

/** Deterministic Fourier features γ(x) = [sin(ω_k x_j), cos(ω_k x_j)], ω_k equally spaced in [min, max]. */
export interface FourierFeatures {
  count: number;
  minFrequency: number;
  maxFrequency: number;
}

/** [choice] 16 frequencies in [1π, 10π] when Fourier features are enabled. */
export const defaultFourierFeatures: Readonly<FourierFeatures> = {
  count: 16,
  minFrequency: Math.PI,
  maxFrequency: 10 * Math.PI,
};

/** Added to the variance in layer norm; float64 references must use the same value. */
export const layerNormEpsilon = 1e-5;

export interface MlpOptions {
  inputDim: number;
  /** Default 1. */
  outputDim?: number;
  width: number;
  /** Number of hidden layers (0 gives a linear map of the input features). */
  depth: number;
  /** Default 'tanh'. */
  activation?: Activation;
  /** Normalise each hidden layer over its features, with trainable gain and bias. Default false. */
  layerNorm?: boolean;
  /** x <- x + act(...) between equal-width hidden layers. Default false. */
  residual?: boolean;
  /** Default null (raw inputs). */
  fourier?: FourierFeatures | null;
  /** Seed of the Glorot-uniform initialisation. Default 0. */
  seed?: number;
}

export type ResolvedMlpOptions = Required<MlpOptions>;

export interface MlpParameter {
  name: string;
  shape: number[];
  values: Float64Array;
}

export interface Mlp {
  readonly options: ResolvedMlpOptions;
  readonly variables: Variable[];
  /** [N, inputDim] -> [N, outputDim]; pointwise (row i of the output depends only on row i of x). */
  apply(x: Tensor2D): Tensor2D;
  /** Every variable's name and shape, in `variables` order. */
  parameterShapes(): Array<{ name: string; shape: number[] }>;
  /**
   * A float64 snapshot of every variable, in `variables` order, for plain-JS references. Asynchronous: the
   * variables may live on a GPU.
   */
  parameters(): Promise<MlpParameter[]>;
  dispose(): void;
}

export class NetError extends InputError {
  override name = 'NetError';
}

interface DenseLayer {
  kernel: Variable;
  bias: Variable;
}

interface HiddenLayer extends DenseLayer {
  norm: { gain: Variable; bias: Variable } | null;
}

/** An integer ≥ minimum, or the given error naming the option (the models' checks use it too). */
export function requireInteger(name: string, value: unknown, minimum: number, error: new (message: string) => Error = NetError): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new error(`${name} must be an integer >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

export function resolveMlpOptions(options: MlpOptions): ResolvedMlpOptions {
  const resolved: ResolvedMlpOptions = {
    inputDim: options.inputDim,
    outputDim: options.outputDim ?? 1,
    width: options.width,
    depth: options.depth,
    activation: options.activation ?? 'tanh',
    layerNorm: options.layerNorm ?? false,
    residual: options.residual ?? false,
    fourier: options.fourier ?? null,
    seed: options.seed ?? 0,
  };
  requireInteger('inputDim', resolved.inputDim, 1);
  requireInteger('outputDim', resolved.outputDim, 1);
  requireInteger('width', resolved.width, 1);
  requireInteger('depth', resolved.depth, 0);
  if (!activations.includes(resolved.activation)) {
    throw new NetError(`activation '${resolved.activation}' is not one of ${activations.join(', ')}`);
  }
  if (!Number.isFinite(resolved.seed)) throw new NetError(`seed must be a finite number, got ${resolved.seed}`);
  const fourier = resolved.fourier;
  if (fourier) {
    requireInteger('fourier.count', fourier.count, 1);
    const { minFrequency: low, maxFrequency: high } = fourier;
    if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
      throw new NetError(`fourier frequencies must be finite with min <= max, got [${low}, ${high}]`);
    }
  }
  return resolved;
}

/** ω_k equally spaced in [min, max] (a single frequency is min). */
export function fourierFrequencies(fourier: FourierFeatures): number[] {
  const { count, minFrequency: low, maxFrequency: high } = fourier;
  if (count === 1) return [low];
  return Array.from({ length: count }, (_, k) => low + ((high - low) * k) / (count - 1));
}

/** Width of the first layer's input: raw inputs, or 2·count·inputDim Fourier features. */
export function featureDim(options: ResolvedMlpOptions): number {
  return options.fourier ? 2 * options.fourier.count * options.inputDim : options.inputDim;
}

/**
 * Feature layout (the float64 reference follows it): all sines, then all cosines; within each, input
 * dimension j major and frequency k minor, i.e. column j·count + k.
 */
function fourierEmbed(x: Tensor2D, frequencies: Tensor): Tensor2D {
  const [n, d] = x.shape;
  const phases = tf.reshape(tf.mul(tf.reshape(x, [n, d, 1]), frequencies), [n, d * frequencies.size]);
  return tf.concat([tf.sin(phases), tf.cos(phases)], 1) as Tensor2D;
}

function activate(z: Tensor2D, activation: Activation): Tensor2D {
  switch (activation) {
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'elu':
      return tf.elu(z);
    case 'relu':
      return tf.relu(z);
    case 'sin':
      return tf.sin(z);
  }
}

// Plain mean/sub/square/sqrt/div (not tf.moments or batchNorm) so every step has a differentiable gradient.
function layerNormalize(z: Tensor2D, gain: Tensor, bias: Tensor): Tensor2D {
  const centred = tf.sub(z, tf.mean(z, 1, true));
  const variance = tf.mean(tf.square(centred), 1, true);
  const normalised = tf.div(centred, tf.sqrt(tf.add(variance, layerNormEpsilon)));
  return tf.add(tf.mul(normalised, gain), bias) as Tensor2D;
}

/** x·W + b with plain matMul + add (never fused: every op must have a differentiable gradient). */
export function dense(x: Tensor2D, layer: { kernel: Tensor; bias: Tensor }): Tensor2D {
  return tf.add(tf.matMul(x, layer.kernel as Tensor2D), layer.bias) as Tensor2D;
}

function glorotUniform(fanIn: number, fanOut: number, seed: string): Tensor2D {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', seed) as Tensor2D;
}

// The variable shares the initial tensor's data; tidy drops the initial tensor itself so it does not leak.
function variableFrom(initial: () => Tensor): Variable {
  return tf.tidy(() => tf.variable(initial()));
}

function createDense(name: string, fanIn: number, fanOut: number, seed: number, named: Map<Variable, string>): DenseLayer {
  // A string seed per layer keeps layers of different seeds independent (seed s layer 1 != seed s+1 layer 0).
  const kernel = variableFrom(() => glorotUniform(fanIn, fanOut, `${seed}:${name}`));
  const bias = variableFrom(() => tf.zeros([fanOut]));
  named.set(kernel, `${name}/kernel`).set(bias, `${name}/bias`);
  return { kernel, bias };
}

export function createMlp(options: MlpOptions): Mlp {
  const resolved = resolveMlpOptions(options);
  const { width, depth, seed } = resolved;
  // Insertion order of this map is the order of `variables` and of `parameters()`.
  const named = new Map<Variable, string>();
  const hidden: HiddenLayer[] = [];
  for (let i = 0; i < depth; i += 1) {
    const name = `hidden${i}`;
    const layer = createDense(name, i === 0 ? featureDim(resolved) : width, width, seed, named);
    let norm: HiddenLayer['norm'] = null;
    if (resolved.layerNorm) {
      norm = { gain: variableFrom(() => tf.ones([width])), bias: variableFrom(() => tf.zeros([width])) };
      named.set(norm.gain, `${name}/norm/gain`).set(norm.bias, `${name}/norm/bias`);
    }
    hidden.push({ ...layer, norm });
  }
  const output = createDense('output', depth > 0 ? width : featureDim(resolved), resolved.outputDim, seed, named);
  const frequencies = resolved.fourier ? tf.keep(tf.tensor1d(fourierFrequencies(resolved.fourier))) : null;
  const variables = [...named.keys()];
  let disposed = false;

  const apply = (x: Tensor2D): Tensor2D => {
    if (disposed) throw new NetError('apply() on a disposed Mlp');
    if (x.rank !== 2 || x.shape[1] !== resolved.inputDim) {
      throw new NetError(`apply() expects [N, ${resolved.inputDim}], got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let h = frequencies ? fourierEmbed(x, frequencies) : x;
      hidden.forEach((layer, i) => {
        const z = dense(h, layer);
        const a = activate(layer.norm ? layerNormalize(z, layer.norm.gain, layer.norm.bias) : z, resolved.activation);
        h = resolved.residual && i > 0 ? (tf.add(h, a) as Tensor2D) : a;
      });
      return dense(h, output);
    });
  };

  return {
    options: resolved,
    variables,
    apply,
    parameterShapes: () => variables.map((v) => ({ name: named.get(v)!, shape: [...v.shape] })),
    parameters: () =>
      Promise.all(variables.map(async (v) => ({ name: named.get(v)!, shape: [...v.shape], values: Float64Array.from(await v.data()) }))),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const v of variables) v.dispose();
      frequencies?.dispose();
    },
  };
}
