// What every base architecture offers the trainer: a pointwise map from coordinates to the field channels and
// the unknown parameter (two heads), differentiable to any order in the input (the autodiff path nests tf.grad)
// and in the weights.
import type { Tensor2D, Variable } from '../backend/tf.js';

export const modelNames = ['pinn', 'piratenet', 'pinnsformer'] as const;
export type ModelName = (typeof modelNames)[number];

export const modelPresets = ['cpu', 'paper'] as const;
export type ModelPreset = (typeof modelPresets)[number];

export interface ModelOutputs {
  /** [N, fieldChannels]: the field (u, v, or φ_n and φ_d). */
  field: Tensor2D;
  /** [N, 1]: the unknown parameter, before any positivity transform the trainer applies. */
  parameter: Tensor2D;
}

export interface ModelOptions {
  /** Coordinates per point: 1 (t) or 2 (x, y). */
  inputDim: number;
  /** Field channels: 1 (langevin, heat) or 2 (rd: φ_n, φ_d). */
  fieldChannels: number;
  /** Size preset (default 'cpu'); explicit sizes below override it. */
  preset?: ModelPreset;
  /** Hidden width / d_model. */
  width?: number;
  /** Hidden layers / blocks / encoder layers. */
  depth?: number;
  /** Seed of every random initialisation. */
  seed?: number;
  /**
   * Multiplies the field head's initial weights [choice: 1 here, the trainer's default 0.1]. A random field's
   * Laplacian is O(10²-10³) at start; a small initial field keeps the PDE term from driving the parameter to a
   * degenerate value in the first steps.
   */
  fieldHeadScale?: number;
  /**
   * Coordinates are scaled to [-1, 1] with these bounds before the network sees them ([min, max] per input
   * dimension); default [[0, 1]] per dimension.
   */
  bounds?: Array<[number, number]>;
}

export interface FieldModel {
  readonly name: ModelName;
  /** The resolved sizes, for result.json. */
  readonly description: Record<string, number | string | boolean>;
  readonly variables: Variable[];
  /** Pointwise: row i of each output depends only on row i of x ([N, inputDim]). */
  apply(x: Tensor2D): ModelOutputs;
  /**
   * Optional data-driven initialisation before training (PirateNet fits its output layer by least squares to the
   * observed field; a no-op elsewhere). Asynchronous: it reads tensors that may live on a GPU.
   */
  initialise?(x: Tensor2D, field: Tensor2D): Promise<void>;
  dispose(): void;
}
