// The 2D mollifier layer on product kernels. Separable (default): one conv2d along x whose output
// channels are the distinct x-derivative orders needed, then one conv2d along y that mixes them into
// every requested operator: two convolutions in total, whatever the operators, and 2·(2R+1) taps per
// node per term instead of (2R+1)². `separable: false` runs one conv2d with the full 2D kernels.
import { tf, type Tensor, type Tensor4D } from '../backend/tf.js';
import {
  assertFamilyGivesOperator,
  assertKernelFamily,
  assertOperator2d,
  kernelWeights1d,
  kernelWeights2d,
  operatorTerms,
  spacingPair,
  validateRadius,
  type KernelFamily,
  type Operator2d,
  type Spacing2d,
} from '../kernels/index.js';
import { assertAxisFits, assertBoundaryMode, padAxes, type BoundaryMode } from './boundary.js';
import { fromCanonical, gridLayout, toCanonical } from './grid-shape.js';
import { LayerError } from './errors.js';
import { defaultFamily, defaultRadius } from './defaults.js';

export interface Mollifier2dOptions {
  family?: KernelFamily;
  radius?: number;
  /** Grid spacing, one number or [hy, hx]. */
  spacing: Spacing2d;
  /** Operators to return (default ['value']). */
  operators?: Operator2d[];
  boundary?: BoundaryMode;
  /** Two 1D passes (default true) or one full 2D convolution. */
  separable?: boolean;
  momentCorrection?: boolean;
}

interface Filters {
  alongX?: Tensor4D;
  alongY?: Tensor4D;
  full?: Tensor4D;
}

export class Mollifier2d {
  readonly family: KernelFamily;
  readonly radius: number;
  readonly spacing: [number, number];
  readonly operators: readonly Operator2d[];
  readonly boundary: BoundaryMode;
  readonly separable: boolean;
  private filters: Filters | undefined;

  constructor(options: Mollifier2dOptions) {
    this.family = assertKernelFamily(options.family ?? defaultFamily);
    this.radius = validateRadius(options.radius ?? defaultRadius);
    this.spacing = spacingPair(options.spacing);
    this.operators = (options.operators ?? ['value']).map(assertOperator2d);
    if (this.operators.length === 0) throw new LayerError('a mollifier layer needs at least one operator');
    for (const op of this.operators) assertFamilyGivesOperator(this.family, op);
    this.boundary = assertBoundaryMode(options.boundary ?? 'valid');
    this.separable = options.separable ?? true;
    const correction = options.momentCorrection ?? true;
    this.filters = this.separable ? this.separableFilters(correction) : this.fullFilter(correction);
  }

  private axisWeights(order: number, spacing: number, momentCorrection: boolean): Float64Array {
    return kernelWeights1d({ family: this.family, radius: this.radius, spacing, order, momentCorrection });
  }

  private separableFilters(momentCorrection: boolean): Filters {
    const [hy, hx] = this.spacing;
    const size = 2 * this.radius + 1;
    const xOrders = [...new Set(this.operators.flatMap((op) => operatorTerms(op).map((t) => t.xOrder)))].sort((a, b) => a - b);
    const xChannels = xOrders.length;
    const alongX = new Float32Array(size * xChannels);
    xOrders.forEach((order, c) => this.axisWeights(order, hx, momentCorrection).forEach((v, b) => (alongX[b * xChannels + c] = v)));
    const outChannels = this.operators.length;
    const alongY = new Float64Array(size * xChannels * outChannels);
    this.operators.forEach((op, o) => {
      for (const term of operatorTerms(op)) {
        const wy = this.axisWeights(term.yOrder, hy, momentCorrection);
        const c = xOrders.indexOf(term.xOrder);
        for (let a = 0; a < size; a++) alongY[(a * xChannels + c) * outChannels + o] += term.coefficient * wy[a]!;
      }
    });
    return {
      alongX: tf.keep(tf.tensor4d(alongX, [1, size, 1, xChannels])),
      alongY: tf.keep(tf.tensor4d(Float32Array.from(alongY), [size, 1, xChannels, outChannels])),
    };
  }

  private fullFilter(momentCorrection: boolean): Filters {
    const size = 2 * this.radius + 1;
    const outChannels = this.operators.length;
    const full = new Float32Array(size * size * outChannels);
    this.operators.forEach((operator, o) => {
      const { weights } = kernelWeights2d({ family: this.family, radius: this.radius, spacing: this.spacing, operator, momentCorrection });
      weights.forEach((v, i) => (full[i * outChannels + o] = v));
    });
    return { full: tf.keep(tf.tensor4d(full, [size, size, 1, outChannels])) };
  }

  get trim(): number {
    return this.boundary === 'valid' ? this.radius : 0;
  }

  /**
   * Mollify g ([ny, nx], [batch, ny, nx] or [batch, ny, nx, channels]); returns one tensor per requested
   * operator, each of g's rank, with each grid axis shortened by 2·trim.
   */
  apply(g: Tensor): Tensor[] {
    const filters = this.filters;
    if (!filters) throw new LayerError('this mollifier layer has been disposed');
    const layout = gridLayout(g.shape, 2);
    assertAxisFits(layout.grid[0]!, this.radius, this.boundary, 'rows (y)');
    assertAxisFits(layout.grid[1]!, this.radius, this.boundary, 'columns (x)');
    return tf.tidy(() => {
      const canonical = padAxes(toCanonical(g, layout) as Tensor4D, [1, 2], this.radius, this.boundary);
      const out = filters.full
        ? tf.conv2d(canonical, filters.full, 1, 'valid')
        : tf.conv2d(tf.conv2d(canonical, filters.alongX!, 1, 'valid'), filters.alongY!, 1, 'valid');
      const parts = this.operators.length === 1 ? [out] : tf.split(out, this.operators.length, 3);
      return parts.map((part) => fromCanonical(part, layout));
    });
  }

  dispose(): void {
    for (const filter of Object.values(this.filters ?? {})) filter?.dispose();
    this.filters = undefined;
  }
}
