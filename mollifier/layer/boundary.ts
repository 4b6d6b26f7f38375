// Boundary handling (SCIENCE.md §1: a known limitation of the method). 'valid' keeps only the nodes the
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

function wrapAxis(x: Tensor, axis: number, radius: number): Tensor {
  const size = x.shape[axis]!;
  const head = tf.slice(x, axisRange(x.shape, axis, size - radius, radius), axisSize(x.shape, axis, radius));
  const tail = tf.slice(x, axisRange(x.shape, axis, 0, radius), axisSize(x.shape, axis, radius));
  return tf.concat([head, x, tail], axis);
}

function axisRange(shape: number[], axis: number, start: number, _length: number): number[] {
  return shape.map((_, i) => (i === axis ? start : 0));
}

function axisSize(shape: number[], axis: number, length: number): number[] {
  return shape.map((s, i) => (i === axis ? length : s));
}

/** Pad the given axes of x by `radius` nodes on each side according to the boundary mode. */
export function padAxes<T extends Tensor>(x: T, axes: number[], radius: number, boundary: BoundaryMode): T {
  if (boundary === 'valid') return x;
  if (boundary === 'reflect') {
    const paddings = x.shape.map((_, i) => (axes.includes(i) ? [radius, radius] : [0, 0])) as Array<[number, number]>;
    return tf.mirrorPad(x, paddings, 'reflect') as T;
  }
  let out: Tensor = x;
  for (const axis of axes) out = wrapAxis(out, axis, radius);
  return out as T;
}
