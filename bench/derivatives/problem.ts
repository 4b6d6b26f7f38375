// The training step being timed: a tanh MLP fitted to a smooth field on a grid, with (a) a data loss
// only, (b) plus a PDE residual whose derivatives come from nested autodiff, or (c) from the mollifier
// layer. The three share the network, data, optimiser and residual; only the derivative path differs.
import { tf, type Tensor, type Tensor2D } from '../../mollifier/index.js';
import { createMlp, type Mlp } from '../../mollifier/index.js';
import { derivatives1d, operators2d } from '../../mollifier/index.js';
import { Mollifier1d, Mollifier2d } from '../../mollifier/index.js';
import { gridSide, type StepConfig } from './config.js';

export interface BenchProblem {
  step(): Promise<number>;
  dispose(): void;
}

function gridPoints(config: StepConfig): { points: Float32Array; dims: number; spacing: number } {
  const sides = gridSide(config);
  const n = sides[0]!;
  const spacing = 1 / (n - 1);
  if (sides.length === 1) return { points: Float32Array.from({ length: n }, (_, i) => i * spacing), dims: 1, spacing };
  const points = new Float32Array(n * n * 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      points[(i * n + j) * 2] = j * spacing; // x along columns
      points[(i * n + j) * 2 + 1] = i * spacing; // y along rows
    }
  }
  return { points, dims: 2, spacing };
}

function smoothTarget(x: Tensor2D, dims: number): Tensor2D {
  return tf.tidy(() => {
    const [first, second] = dims === 1 ? [x, undefined] : tf.split(x, 2, 1);
    const alongX = tf.sin(tf.mul(first!, 2 * Math.PI));
    return (second ? tf.mul(alongX, tf.cos(tf.mul(second, 2 * Math.PI))) : alongX) as Tensor2D;
  });
}

export function createBenchProblem(config: StepConfig): BenchProblem {
  const { points, dims, spacing } = gridPoints(config);
  const n = gridSide(config)[0]!;
  const x = tf.keep(tf.tensor2d(points, [points.length / dims, dims]));
  const target = tf.keep(smoothTarget(x, dims));
  const source = tf.keep(tf.tidy(() => tf.mul(target, config.order === 4 ? 64 * Math.PI ** 4 : 8 * Math.PI ** 2)));
  const net: Mlp = createMlp({ inputDim: dims, width: config.width, depth: config.depth, seed: config.seed });
  const optimizer = tf.train.adam(1e-3);
  const mollifier =
    config.method !== 'mollifier'
      ? undefined
      : dims === 1
        ? new Mollifier1d({ radius: config.radius, spacing, orders: [0, 1] })
        : new Mollifier2d({ radius: config.radius, spacing, operators: ['value', config.order === 4 ? 'biharmonic' : 'laplacian'] });
  const interior = (t: Tensor): Tensor => {
    // Crop a [N,1] field on the grid to the nodes a valid-mode kernel covers.
    const r = config.radius;
    return dims === 1 ? tf.slice(t, [r, 0], [n - 2 * r, 1]) : tf.slice(tf.reshape(t, [n, n]), [r, r], [n - 2 * r, n - 2 * r]);
  };

  // Autodiff: the value and the derivatives from one forward pass (as the PyTorch side does), the value
  // serving the data term too.
  const autodiffTerms = (): { u: Tensor2D; residual: Tensor } => {
    if (dims === 1) {
      const [value, slope] = derivatives1d(net.apply.bind(net), x, [0, 1]);
      return { u: value!, residual: tf.sub(tf.add(slope!, value!), source) };
    }
    const [value, operator] = operators2d(net.apply.bind(net), x, ['value', config.order === 4 ? 'biharmonic' : 'laplacian']);
    return { u: value!, residual: config.order === 4 ? tf.sub(operator!, source) : tf.add(operator!, source) };
  };

  const mollifiedResidual = (u: Tensor2D): Tensor => {
    const grid = dims === 1 ? tf.reshape(u, [n]) : tf.reshape(u, [n, n]);
    const [value, derivative] = mollifier!.apply(grid);
    const f = tf.reshape(interior(source), derivative!.shape);
    if (dims === 1) return tf.sub(tf.add(derivative!, value!), f);
    return config.order === 4 ? tf.sub(derivative!, f) : tf.add(derivative!, f);
  };

  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const { u, residual } = config.method === 'autodiff' ? autodiffTerms() : { u: net.apply(x), residual: undefined };
      const data = tf.mean(tf.square(tf.sub(u, target)));
      if (config.method === 'data') return data as tf.Scalar;
      // Scale the residual by its data scale so the two terms are comparable (without it the field head starts far from the data's scale).
      const scale = config.order === 4 ? 64 * Math.PI ** 4 : 8 * Math.PI ** 2;
      return tf.add(data, tf.mean(tf.square(tf.div(residual ?? mollifiedResidual(u), scale)))) as tf.Scalar;
    });

  return {
    // Reading the loss asynchronously waits for the step's kernels to finish, so on a GPU the timing
    // covers the work and not only its submission; a synchronous read would throw on webgpu.
    async step(): Promise<number> {
      const value = optimizer.minimize(loss, true, net.variables);
      const result = (await value!.data())[0]!;
      value!.dispose();
      return result;
    },
    dispose(): void {
      tf.dispose([x, target, source]);
      net.dispose();
      optimizer.dispose();
      mollifier?.dispose();
    },
  };
}
