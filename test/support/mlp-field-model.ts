// A minimal FieldModel on the plain MLP, so trainer tests do not depend on the paper architectures.
import { tf, type Tensor2D } from '../../mollifier/backend/tf.js';
import { createMlp } from '../../mollifier/nets/index.js';
import type { FieldModel } from '../../mollifier/models/types.js';

export function mlpFieldModel(inputDim: number, fieldChannels: number, bounds: Array<[number, number]>, seed = 0, width = 32, depth = 3): FieldModel {
  const net = createMlp({ inputDim, outputDim: fieldChannels + 1, width, depth, seed, fourier: { count: 8, minFrequency: Math.PI / 2, maxFrequency: 4 * Math.PI } });
  const low = tf.keep(tf.tensor1d(bounds.map((b) => b[0])));
  const span = tf.keep(tf.tensor1d(bounds.map((b) => (b[1] - b[0]) / 2)));
  return {
    name: 'pinn',
    description: { width, depth },
    variables: net.variables,
    apply(x: Tensor2D) {
      const scaled = tf.sub(tf.div(tf.sub(x, low), span), 1) as Tensor2D;
      const out = net.apply(scaled);
      return {
        field: tf.slice(out, [0, 0], [x.shape[0], fieldChannels]) as Tensor2D,
        parameter: tf.slice(out, [0, fieldChannels], [x.shape[0], 1]) as Tensor2D,
      };
    },
    dispose() {
      net.dispose();
      tf.dispose([low, span]);
    },
  };
}
