// Upstream tfjs-core (issue tfjs#3252) registers the gradients of these kernels with their *output* saved.
// A nested tf.grad then sees that saved output as a constant, so second and higher derivatives are wrong or
// throw "gradient function not found". These replacements save the inputs and recompute the output with
// differentiable ops inside the gradient, which makes every order of tf.grad correct.
import { tf } from './tf.js';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

function axisList(axis: number | number[]): number[] {
  return Array.isArray(axis) ? axis : [axis];
}

const replacements: tf.GradConfig[] = [
  {
    kernelName: tf.Tanh,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as Tensor[];
      return { x: () => tf.mul(dy as Tensor, tf.sub(1, tf.square(tf.tanh(x)))) };
    },
  },
  {
    kernelName: tf.Sigmoid,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as Tensor[];
      return {
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy as Tensor, tf.mul(s, tf.sub(1, s)));
        },
      };
    },
  },
  {
    kernelName: tf.Exp,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as Tensor[];
      return { x: () => tf.mul(dy as Tensor, tf.exp(x)) };
    },
  },
  {
    kernelName: tf.Softmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const [logits] = saved as Tensor[];
      const dim = attrs.dim as number;
      return {
        logits: () => {
          const y = tf.softmax(logits, dim);
          const dyTimesY = tf.mul(dy as Tensor, y);
          return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
        },
      };
    },
  },
  {
    kernelName: tf.LogSoftmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const [logits] = saved as Tensor[];
      const axis = attrs.axis as number | number[];
      return {
        logits: () => {
          const softmax = tf.exp(tf.logSoftmax(logits, axisList(axis)[0]));
          return tf.sub(dy as Tensor, tf.mul(tf.sum(dy as Tensor, axisList(axis), true), softmax));
        },
      };
    },
  },
  {
    kernelName: tf.Elu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as Tensor[];
      // elu'(x) = 1 for x > 0, exp(x) otherwise; minimum() keeps exp finite on the unused branch.
      return { x: () => tf.mul(dy as Tensor, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0)))) };
    },
  },
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [base, exponent] = saved as Tensor[];
      const outShape = tf.broadcast_util.assertAndGetBroadcastShape(base.shape, exponent.shape);
      const reduceTo = (grad: Tensor, shape: number[]): Tensor => {
        const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
        return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
      };
      return {
        a: () => {
          const e = tf.cast(exponent, 'float32');
          return reduceTo(tf.mul(dy as Tensor, tf.mul(e, tf.pow(base, tf.sub(e, 1)))), base.shape);
        },
        b: () => {
          const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
          return reduceTo(tf.mul(dy as Tensor, tf.mul(tf.pow(base, exponent), logBase)), exponent.shape);
        },
      };
    },
  },
];

/** Kernel names whose gradients this module replaces. */
export const higherOrderGradientKernels: readonly string[] = replacements.map((r) => r.kernelName);

/** Register the replacement gradients on the global tfjs-core registry. Idempotent. */
export function installHigherOrderGradients(): void {
  for (const config of replacements) tf.registerGradient(config);
}
