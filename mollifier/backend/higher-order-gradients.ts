// Upstream tfjs-core (issue tfjs#3252) registers the gradients of these kernels with their *output* saved.
// A nested tf.grad then sees that saved output as a constant, so second and higher derivatives are wrong or
// throw "gradient function not found". These replacements save the inputs and recompute the output with
// differentiable ops inside the gradient, which makes every order of tf.grad correct.
import { tf } from './tf.js';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { tanhGradient, tanhGradGradient } from './native/tanh-grad.js';

function axisList(axis: number | number[]): number[] {
  return Array.isArray(axis) ? axis : [axis];
}

const replacements: tf.GradConfig[] = [
  tanhGradient(false),
  tanhGradGradient,
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
      // elu'(x) = s + (1 - s)·exp(x·(1 - s)), s = step(x): only ops whose own gradients exist (Greater and
      // Minimum's LessEqual have none, which broke the 2nd order); x·(1 - s) keeps exp finite for large x.
      return {
        x: () => {
          const s = tf.step(x);
          const negativePart = tf.sub(1, s);
          return tf.mul(dy as Tensor, tf.add(s, tf.mul(negativePart, tf.exp(tf.mul(x, negativePart)))));
        },
      };
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
          // log(base) where base > 0, else log(1) = 0; step() rather than where(greater()): Greater has no
          // gradient, which broke mixed partials (d²/da db) at the next order.
          const positive = tf.step(base);
          const logBase = tf.log(tf.add(tf.mul(base, positive), tf.sub(1, positive)));
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

// tf.logSoftmax never runs the LogSoftmax kernel: in tfjs-core 4.22 it is a customGrad op that saves its
// output, so the registration above cannot reach it and its nested gradients stay broken. This one is built
// from differentiable ops; the row max only shifts for stability (the result does not depend on it), so it
// sits behind a zero gradient, which also keeps max's own gradient (Equal, which has none) off the tape.
const rowMax = tf.customGrad((...args) => {
  const x = args[0] as Tensor;
  return { value: tf.max(x, -1, true), gradFunc: () => tf.zerosLike(x) };
});

/** log softmax over the last axis, differentiable to any order (use it instead of tf.logSoftmax). */
export function logSoftmax(logits: Tensor): Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(logits, rowMax(logits));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), -1, true)));
  });
}
