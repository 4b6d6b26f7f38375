// The single door to TensorFlow.js. Every module of the project takes `tf` from here, so there is one
// tfjs-core engine no matter which backend package (node-gpu, node, wasm, cpu) registers itself on it.
// It is the full '@tensorflow/tfjs' namespace, not bare tfjs-core: the gradient of every kernel is
// registered by that package (tfjs-core's node build registers none), and users' own models use it too.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type {
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  TensorInfo,
  Variable,
  NamedTensorMap,
} from '@tensorflow/tfjs-core';
