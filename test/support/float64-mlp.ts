// Float64 plain-JS references for the autodiff tests: the forward pass of an Mlp from its parameters()
// snapshot (same architecture, same layer-norm epsilon), and central finite differences with Richardson
// extrapolation. Independent of tfjs, so an agreement is evidence, not an echo.
import {
  featureDim,
  fourierFrequencies,
  layerNormEpsilon,
  type Activation,
  type MlpParameter,
  type ResolvedMlpOptions,
} from '../../mollifier/nets/index.js';

export type Field = (point: readonly number[]) => number;

const activate: Record<Activation, (z: number) => number> = {
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  relu: (z) => Math.max(z, 0),
  sin: Math.sin,
};

/** Deep copy, so a test can perturb one weight without touching the snapshot it came from. */
export function copyParameters(parameters: readonly MlpParameter[]): MlpParameter[] {
  return parameters.map((p) => ({ name: p.name, shape: [...p.shape], values: Float64Array.from(p.values) }));
}

function lookup(parameters: readonly MlpParameter[]): (name: string) => Float64Array {
  const byName = new Map(parameters.map((p) => [p.name, p.values]));
  return (name) => {
    const values = byName.get(name);
    if (!values) throw new Error(`no parameter ${name}`);
    return values;
  };
}

function affine(input: readonly number[], kernel: Float64Array, bias: Float64Array): number[] {
  const out = Array.from(bias);
  for (let i = 0; i < input.length; i += 1) {
    for (let j = 0; j < out.length; j += 1) out[j]! += input[i]! * kernel[i * out.length + j]!;
  }
  return out;
}

function layerNorm(z: number[], gain: Float64Array, bias: Float64Array): number[] {
  const mean = z.reduce((s, v) => s + v, 0) / z.length;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
  const scale = 1 / Math.sqrt(variance + layerNormEpsilon);
  return z.map((v, j) => (v - mean) * scale * gain[j]! + bias[j]!);
}

/** The network as a float64 function of one point; frequencies rounded to float32 as tfjs stores them. */
export function float64Mlp(options: ResolvedMlpOptions, parameters: readonly MlpParameter[]): (point: readonly number[]) => number[] {
  const get = lookup(parameters);
  const omegas = options.fourier ? fourierFrequencies(options.fourier).map(Math.fround) : null;
  const act = activate[options.activation];
  const firstKernel = options.depth > 0 ? 'hidden0/kernel' : 'output/kernel';
  const firstWidth = options.depth > 0 ? options.width : options.outputDim;
  if (get(firstKernel).length !== featureDim(options) * firstWidth) throw new Error('parameters do not match the options');
  return (point) => {
    let h: number[] = [...point];
    if (omegas) {
      const phases = point.flatMap((x) => omegas.map((w) => w * x));
      h = [...phases.map(Math.sin), ...phases.map(Math.cos)];
    }
    for (let i = 0; i < options.depth; i += 1) {
      let z = affine(h, get(`hidden${i}/kernel`), get(`hidden${i}/bias`));
      if (options.layerNorm) z = layerNorm(z, get(`hidden${i}/norm/gain`), get(`hidden${i}/norm/bias`));
      const a = z.map(act);
      h = options.residual && i > 0 ? h.map((v, j) => v + a[j]!) : a;
    }
    return affine(h, get('output/kernel'), get('output/bias'));
  };
}

/** First output of the network as a scalar field. */
export function float64Field(options: ResolvedMlpOptions, parameters: readonly MlpParameter[]): Field {
  const net = float64Mlp(options, parameters);
  return (point) => net(point)[0]!;
}

// Second-order central stencils [offset, weight] for d^k/dx^k; their error is a series in even powers of h,
// which is what Richardson extrapolation needs.
const stencils: Record<number, ReadonlyArray<readonly [number, number]>> = {
  0: [[0, 1]],
  1: [[-1, -0.5], [1, 0.5]],
  2: [[-1, 1], [0, -2], [1, 1]],
  3: [[-2, -0.5], [-1, 1], [1, -1], [2, 0.5]],
  4: [[-2, 1], [-1, -4], [0, 6], [1, -4], [2, 1]],
};

/** Richardson extrapolation of an estimate with error c1 h² + c2 h⁴ + ..., halving h `levels` times. */
export function richardson(estimate: (h: number) => number, h: number, levels = 2): number {
  let previous = [estimate(h)];
  for (let i = 1; i <= levels; i += 1) {
    const row = [estimate(h / 2 ** i)];
    for (let j = 1; j <= i; j += 1) row.push(row[j - 1]! + (row[j - 1]! - previous[j - 1]!) / (4 ** j - 1));
    previous = row;
  }
  return previous[levels]!;
}

/** ∂^|orders| f / ∂x_0^orders[0] ∂x_1^orders[1] ... at a point, by tensor-product central stencils. */
export function partialFd(f: Field, point: readonly number[], orders: readonly number[], h: number, levels = 2): number {
  const estimate = (step: number): number => {
    let total = 0;
    const walk = (axis: number, offset: number[], weight: number): void => {
      if (axis === orders.length) {
        total += weight * f(point.map((x, j) => x + offset[j]! * step));
        return;
      }
      const stencil = stencils[orders[axis]!];
      if (!stencil) throw new Error(`no stencil for order ${orders[axis]}`);
      for (const [o, w] of stencil) walk(axis + 1, [...offset, o], weight * w);
    };
    walk(0, [], 1);
    return total / step ** orders.reduce((s, k) => s + k, 0);
  };
  return richardson(estimate, h, levels);
}

export function derivativeFd1d(f: Field, x: number, order: number, h: number): number {
  return partialFd(f, [x], [order], h);
}

export function laplacianFd(f: Field, point: readonly [number, number], h: number): number {
  return partialFd(f, point, [2, 0], h) + partialFd(f, point, [0, 2], h);
}

export function biharmonicFd(f: Field, point: readonly [number, number], h: number): number {
  return partialFd(f, point, [4, 0], h) + 2 * partialFd(f, point, [2, 2], h) + partialFd(f, point, [0, 4], h);
}

/** max |a - b| / max |b|: the error measure of the tests. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i += 1) {
    err = Math.max(err, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return err / scale;
}
