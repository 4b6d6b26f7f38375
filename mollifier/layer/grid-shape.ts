// The layer works on canonical tensors, [B, n, 1] in 1D and [B, ny, nx, 1] in 2D, with every input
// channel folded into the batch so each channel is mollified on its own. These helpers fold the user's
// shape in and unfold the result back to the same rank.
import { tf, type Tensor } from '../backend/tf.js';
import { LayerError } from './errors.js';

export interface GridLayout {
  /** Rank of the user's tensor. */
  rank: number;
  batch: number;
  channels: number;
  /** Grid extent, [n] in 1D, [ny, nx] in 2D. */
  grid: number[];
}

export function gridLayout(shape: number[], dims: 1 | 2): GridLayout {
  const rank = shape.length;
  if (dims === 1) {
    if (rank === 1) return { rank, batch: 1, channels: 1, grid: [shape[0]!] };
    if (rank === 2) return { rank, batch: shape[0]!, channels: 1, grid: [shape[1]!] };
    if (rank === 3) return { rank, batch: shape[0]!, channels: shape[2]!, grid: [shape[1]!] };
    throw new LayerError(`a 1D mollifier takes a tensor [n], [batch, n] or [batch, n, channels]; got shape [${shape}]`);
  }
  if (rank === 2) return { rank, batch: 1, channels: 1, grid: [shape[0]!, shape[1]!] };
  if (rank === 3) return { rank, batch: shape[0]!, channels: 1, grid: [shape[1]!, shape[2]!] };
  if (rank === 4) return { rank, batch: shape[0]!, channels: shape[3]!, grid: [shape[1]!, shape[2]!] };
  throw new LayerError(`a 2D mollifier takes a tensor [ny, nx], [batch, ny, nx] or [batch, ny, nx, channels]; got shape [${shape}]`);
}

/** User tensor → canonical [B·C, ...grid, 1]. */
export function toCanonical(x: Tensor, layout: GridLayout): Tensor {
  const { batch, channels, grid } = layout;
  if (channels === 1) return tf.reshape(x, [batch, ...grid, 1]);
  const perm = grid.length === 1 ? [0, 2, 1] : [0, 3, 1, 2];
  return tf.reshape(tf.transpose(x, perm), [batch * channels, ...grid, 1]);
}

/** Canonical [B·C, ...grid', 1] → the user's rank with the new grid extent. */
export function fromCanonical(x: Tensor, layout: GridLayout): Tensor {
  const { rank, batch, channels } = layout;
  const grid = x.shape.slice(1, -1);
  if (channels === 1) {
    const full = [batch, ...grid];
    if (rank === grid.length) return tf.reshape(x, grid);
    if (rank === grid.length + 1) return tf.reshape(x, full);
    return tf.reshape(x, [...full, 1]);
  }
  const stacked = tf.reshape(x, [batch, channels, ...grid]);
  return tf.transpose(stacked, grid.length === 1 ? [0, 2, 1] : [0, 2, 3, 1]);
}
