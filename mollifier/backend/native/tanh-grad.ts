// The derivatives of tanh, dy·tanh⁽ᵏ⁾(x), as one native kernel on wasm (one pass instead of a chain of kernels and
// temporaries) and as differentiable ops elsewhere. The kernel's own gradient is the same kernel one order up, so
// nested gradients of any order stay exact (mollifier/backend/higher-order-gradients.ts) and never recompute tanh:
// the 4th-order autodiff step ran 737 Tanh kernels a step before (docs/benchmarks.md).
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { tanhGradKernelName } from './kernels.js';
import { tanhDerivativeFactor } from './tanh-factor.js';

let nativeOn = false;

/** Called by the native installer: route the derivative through the native kernel while wasm is the backend. */
export function setNativeTanhGrad(on: boolean): void {
  nativeOn = on;
}

/** dy·tanh⁽ᵏ⁾(x) by ops, through x only: exact under nested gradients on every backend. */
function tanhDerivativeOps(dy: Tensor, x: Tensor, order: number): Tensor {
  const t = tf.tanh(x);
  const sech2 = tf.sub(1, tf.square(t));
  if (order === 1) return tf.mul(dy, sech2);
  const q = tanhDerivativeFactor(order);
  let p: Tensor = tf.scalar(q[q.length - 1]!);
  for (let j = q.length - 2; j >= 0; j--) p = tf.add(tf.mul(p, t), q[j]!);
  return tf.mul(dy, tf.mul(sech2, p));
}

/**
 * dy · tanh⁽ᵏ⁾(x) (order 1: dy·(1 − tanh(x)²)). `y`, tanh(x) as the forward pass computed it, is only a cheaper
 * route to the value on the native path: the result's gradient always goes through x.
 */
export function tanhDerivative(dy: Tensor, x: Tensor, order: number, y?: Tensor): Tensor {
  tanhDerivativeFactor(order); // checks the order
  if (nativeOn && tf.getBackend() === 'wasm' && dy.dtype === 'float32' && tf.util.arraysEqual(dy.shape, x.shape)) {
    // Order 1 without y: the kernel's accurate sech²-from-x path (y = x is then only a placeholder it ignores).
    const value = y ?? (order === 1 ? undefined : tf.tanh(x));
    return tf.engine().runKernel(tanhGradKernelName, { dy, x, y: value ?? x }, { order, fromOutput: value !== undefined }) as Tensor;
  }
  // Never y here: as an op input it would be a constant to a nested gradient (the upstream bug this replaces).
  return tanhDerivativeOps(dy, x, order);
}

/** dy · (1 − tanh(x)²): tanhDerivative of order 1. */
export function tanhGrad(dy: Tensor, x: Tensor, y?: Tensor): Tensor {
  return tanhDerivative(dy, x, 1, y);
}

/**
 * The gradient of the native kernel f(dy, x) = dy·tanh⁽ᵏ⁾(x): d/d(dy) = tanh⁽ᵏ⁾(x)·g, d/dx = dy·g·tanh⁽ᵏ⁺¹⁾(x). y is
 * only a faster route to the value: its partial is zero, since the x partial is already the whole derivative.
 */
export const tanhGradGradient: tf.GradConfig = {
  kernelName: tanhGradKernelName,
  inputsToSave: ['dy', 'x', 'y'],
  gradFunc: (g, saved, attrs) => {
    const [dy, x, y] = saved as Tensor[];
    const { order = 1, fromOutput = false } = (attrs ?? {}) as { order?: number; fromOutput?: boolean };
    const value = fromOutput ? y : undefined;
    return {
      dy: () => tanhDerivative(g as Tensor, x!, order, value),
      x: () => tanhDerivative(tf.mul(g as Tensor, dy!), x!, order + 1, value),
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
