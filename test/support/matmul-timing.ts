import { tf } from '../../mollifier/backend/tf.js';

export interface TransposeTiming {
  plainMs: number;
  transposedMs: number;
  /** median matMul(a, b, true, true) over median matMul(a, b): a same-run ratio, not a machine speed. */
  ratio: number;
}

const median = (values: number[]): number => [...values].sort((x, y) => x - y)[values.length >> 1]!;

/** wasm kernels run synchronously, so timing the call times the kernel. Samples interleave to share drift. */
export function measureTransposeRatio(size = 256, samples = 15): TransposeTiming {
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  const time = (transpose: boolean): number => {
    const start = performance.now();
    tf.matMul(a, b, transpose, transpose).dispose();
    return performance.now() - start;
  };
  for (let i = 0; i < 3; i += 1) {
    time(false);
    time(true);
  }
  const plain: number[] = [];
  const transposed: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    plain.push(time(false));
    transposed.push(time(true));
  }
  tf.dispose([a, b]);
  const plainMs = median(plain);
  const transposedMs = median(transposed);
  return { plainMs, transposedMs, ratio: transposedMs / plainMs };
}
