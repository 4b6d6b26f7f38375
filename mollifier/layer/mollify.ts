// One-shot helpers for callers that do not keep a layer: build, apply, free the filters.
import type { Tensor } from '../backend/tf.js';
import { Mollifier1d, type Mollifier1dOptions } from './mollifier1d.js';
import { Mollifier2d, type Mollifier2dOptions } from './mollifier2d.js';

export function mollify1d(g: Tensor, options: Mollifier1dOptions): Tensor[] {
  const layer = new Mollifier1d(options);
  try {
    return layer.apply(g);
  } finally {
    layer.dispose();
  }
}

export function mollify2d(g: Tensor, options: Mollifier2dOptions): Tensor[] {
  const layer = new Mollifier2d(options);
  try {
    return layer.apply(g);
  } finally {
    layer.dispose();
  }
}
