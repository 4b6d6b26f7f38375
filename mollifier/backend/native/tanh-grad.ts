// The derivative of tanh, dy·(1 − tanh(x)²), as one native kernel on wasm (one pass instead of four kernels and
// three temporaries) and as differentiable ops elsewhere. Its own gradient is written with ops and itself, so
// nested tf.grad stays exact to every order (mollifier/backend/higher-order-gradients.ts).
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { tanhGradKernelName } from './kernels.js';

let nativeOn = false;

/** Called by the native installer: route the derivative through the native kernel while wasm is the backend. */
export function setNativeTanhGrad(on: boolean): void {
  nativeOn = on;
}

/**
 * dy · (1 − tanh(x)²). `y`, tanh(x) as the forward pass computed it, makes it one multiply-add per element on the
 * native path; the result's gradient always goes through x, so nested tf.grad stays exact.
 */
export function tanhGrad(dy: Tensor, x: Tensor, y?: Tensor): Tensor {
  if (nativeOn && tf.getBackend() === 'wasm' && dy.dtype === 'float32' && tf.util.arraysEqual(dy.shape, x.shape)) {
    return tf.engine().runKernel(tanhGradKernelName, y ? { dy, x, y } : { dy, x }) as Tensor;
  }
  // Never y here: as an op input it would be a constant to a nested tf.grad (the upstream bug this replaces).
  return tf.mul(dy, tf.sub(1, tf.square(tf.tanh(x))));
}

/**
 * The gradient of the native kernel: d/d(dy) = sech²(x)·g, d/dx = −2·tanh(x)·sech²(x)·dy·g. y is only a faster
 * route to the value: its partial is zero, since the x partial is already the whole derivative.
 */
export const tanhGradGradient: tf.GradConfig = {
  kernelName: tanhGradKernelName,
  inputsToSave: ['dy', 'x'],
  gradFunc: (g, saved) => {
    const [dy, x] = saved as Tensor[];
    return {
      dy: () => tanhGrad(g as Tensor, x!),
      x: () => tf.mul(-2, tf.mul(tf.tanh(x!), tanhGrad(tf.mul(g as Tensor, dy!), x!))),
      y: () => tf.zerosLike(x!),
    };
  },
};

/**
 * The gradient of Tanh itself. It saves x (nested tf.grad needs it: mollifier/backend/higher-order-gradients.ts);
 * with `withOutput`, which the native installer asks for, it also saves y = tanh(x), the native kernel's cheap
 * route to the value. Off the native path y would only be one more tensor kept alive per tanh, so it is not saved.
 */
export function tanhGradient(withOutput: boolean): tf.GradConfig {
  return {
    kernelName: tf.Tanh,
    inputsToSave: ['x'],
    ...(withOutput ? { outputsToSave: [true] } : {}),
    gradFunc: (dy, saved) => {
      const [x, y] = saved as Tensor[];
      return { x: () => tanhGrad(dy as Tensor, x!, y) };
    },
  };
}
