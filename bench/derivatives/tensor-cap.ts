// An explicit limit on live tensor bytes for one benchmark process (MOLLIFIER_BENCH_MAX_TENSOR_BYTES): past it the
// allocation that crossed it throws, and the row reads as out of memory. The wasm heap stops at 4 GB by itself, but a
// software Vulkan device takes its buffers from host memory and would take the whole machine with a deep autodiff step.
import { tf } from '../../mollifier/backend/tf.js';

export class TensorCapError extends Error {
  override name = 'TensorCapError';
}

export function capTensorBytes(cap: number): void {
  const state = (tf.engine() as unknown as { state: { numBytes: number } }).state;
  let bytes = state.numBytes;
  Object.defineProperty(state, 'numBytes', {
    configurable: true,
    enumerable: true,
    get: () => bytes,
    set: (value: number) => {
      if (value > cap) throw new TensorCapError(`out of memory: live tensors would pass the cap of ${(cap / 2 ** 30).toFixed(1)} GiB (MOLLIFIER_BENCH_MAX_TENSOR_BYTES)`);
      bytes = value;
    },
  });
}
