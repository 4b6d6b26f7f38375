// The 1D mollifier layer: û = g * η and its derivatives, all requested orders in one conv1d whose output
// channels are the orders. The filters are fixed (built once in float64, kept as float32 tensors), so
// backpropagation goes through the convolution to g only: no nested autodiff anywhere.
import { tf, type Tensor, type Tensor3D } from '../backend/tf.js';
import { assertKernelFamily, kernelWeights1d, type KernelFamily } from '../kernels/index.js';
import { assertAxisFits, assertBoundaryMode, padAxes, type BoundaryMode } from './boundary.js';
import { fromCanonical, gridLayout, toCanonical } from './grid-shape.js';
import { LayerError } from './errors.js';
import { defaultFamily, defaultRadius } from './defaults.js';

export interface Mollifier1dOptions {
  /** Kernel family (default 'bump'). */
  family?: KernelFamily;
  /** Kernel half-width in grid cells (default 4: 9 taps). */
  radius?: number;
  /** Grid spacing h. */
  spacing: number;
  /** Derivative orders to return, 0 = the mollified field û; default [0]. */
  orders?: number[];
  /** Boundary mode (default 'valid': the output is 2·radius shorter). */
  boundary?: BoundaryMode;
  /** See KernelSpec1d.momentCorrection (default true). */
  momentCorrection?: boolean;
}

export class Mollifier1d {
  readonly family: KernelFamily;
  readonly radius: number;
  readonly spacing: number;
  readonly orders: readonly number[];
  readonly boundary: BoundaryMode;
  /** The float64 weights of each order, cross-correlation orientation. */
  readonly weights: readonly Float64Array[];
  private filter: Tensor3D | undefined;

  constructor(options: Mollifier1dOptions) {
    this.family = assertKernelFamily(options.family ?? defaultFamily);
    this.radius = options.radius ?? defaultRadius;
    this.spacing = options.spacing;
    this.orders = options.orders ?? [0];
    if (this.orders.length === 0) throw new LayerError('a mollifier layer needs at least one derivative order');
    this.boundary = assertBoundaryMode(options.boundary ?? 'valid');
    this.weights = this.orders.map((order) =>
      kernelWeights1d({ family: this.family, radius: this.radius, spacing: this.spacing, order, momentCorrection: options.momentCorrection ?? true }),
    );
    const size = 2 * this.radius + 1;
    const channels = this.orders.length;
    const values = new Float32Array(size * channels);
    this.weights.forEach((w, c) => w.forEach((v, m) => (values[m * channels + c] = v)));
    this.filter = tf.keep(tf.tensor3d(values, [size, 1, channels]));
  }

  /** Number of nodes the output loses at each end (radius for 'valid', else 0). */
  get trim(): number {
    return this.boundary === 'valid' ? this.radius : 0;
  }

  /**
   * Mollify g ([n], [batch, n] or [batch, n, channels]); returns one tensor per requested order, each of
   * g's rank, with n − 2·trim nodes.
   */
  apply(g: Tensor): Tensor[] {
    const filter = this.filter;
    if (!filter) throw new LayerError('this mollifier layer has been disposed');
    const layout = gridLayout(g.shape, 1);
    assertAxisFits(layout.grid[0]!, this.radius, this.boundary, 'length');
    return tf.tidy(() => {
      const canonical = padAxes(toCanonical(g, layout) as Tensor3D, [1], this.radius, this.boundary);
      const out = tf.conv1d(canonical, filter, 1, 'valid');
      const parts = this.orders.length === 1 ? [out] : tf.split(out, this.orders.length, 2);
      return parts.map((part) => fromCanonical(part, layout));
    });
  }

  dispose(): void {
    this.filter?.dispose();
    this.filter = undefined;
  }
}
