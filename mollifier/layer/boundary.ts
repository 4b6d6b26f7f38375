// Boundary handling (a known limitation of the method). 'valid' keeps only the nodes the
// kernel fully covers; 'reflect' mirrors without repeating the edge node (numpy's 'reflect');
// 'periodic' wraps, for periodic data such as the reaction-diffusion fields.
import { tf, type Tensor } from '../backend/tf.js';
import { LayerError } from './errors.js';

export const boundaryModes = ['valid', 'reflect', 'periodic'] as const;
export type BoundaryMode = (typeof boundaryModes)[number];

export function assertBoundaryMode(name: string): BoundaryMode {
  if (!(boundaryModes as readonly string[]).includes(name)) {
    throw new LayerError(`unknown boundary mode '${name}' (expected one of ${boundaryModes.join(', ')})`);
  }
  return name as BoundaryMode;
}

/** Check that an axis of `size` nodes can take a kernel of this radius under this boundary mode. */
export function assertAxisFits(size: number, radius: number, boundary: BoundaryMode, axisName: string): void {
  const needed = boundary === 'valid' ? 2 * radius + 1 : boundary === 'reflect' ? radius + 1 : radius;
  if (size < needed) {
    throw new LayerError(
      `grid ${axisName} has ${size} nodes, too few for radius ${radius} with boundary '${boundary}' (needs ≥ ${needed})`,
    );
  }
}

function sliceAxis(x: Tensor, axis: number, start: number, length: number): Tensor {
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  const size = x.shape.map((s, i) => (i === axis ? length : s));
  return tf.slice(x, begin, size);
}

function wrapAxis(x: Tensor, axis: number, radius: number): Tensor {
  const size = x.shape[axis]!;
  return tf.concat([sliceAxis(x, axis, size - radius, radius), x, sliceAxis(x, axis, 0, radius)], axis);
}

// Built from reverse + slice + concat rather than tf.mirrorPad: tfjs's MirrorPad gradient only slices the
// centre of dy and drops the mirrored contributions, which made layer gradients wrong near the edges.
function reflectAxis(x: Tensor, axis: number, radius: number): Tensor {
  const size = x.shape[axis]!;
  const head = tf.reverse(sliceAxis(x, axis, 1, radius), axis);
  const tail = tf.reverse(sliceAxis(x, axis, size - 1 - radius, radius), axis);
  return tf.concat([head, x, tail], axis);
}

/** Pad the given axes of x by `radius` nodes on each side according to the boundary mode. */
export function padAxes<T extends Tensor>(x: T, axes: number[], radius: number, boundary: BoundaryMode): T {
  if (boundary === 'valid') return x;
  const padAxis = boundary === 'reflect' ? reflectAxis : wrapAxis;
  let out: Tensor = x;
  for (const axis of axes) out = padAxis(out, axis, radius);
  return out as T;
}
