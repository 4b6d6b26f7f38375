// An explicit limit on live tensor bytes for one benchmark process (MOLLIFIER_BENCH_MAX_TENSOR_BYTES): past it the
// allocation that crossed it throws, and the row reads as out of memory. The wasm heap stops at 4 GB by itself, but a
// software Vulkan device takes its buffers from host memory and would take the whole machine with a deep autodiff step.
import { watchTensorBytes } from '../../mollifier/index.js';

export class TensorCapError extends Error {
  override name = 'TensorCapError';
}

export function capTensorBytes(cap: number): void {
  watchTensorBytes((bytes) => {
    if (bytes > cap) throw new TensorCapError(`out of memory: live tensors would pass the cap of ${(cap / 2 ** 30).toFixed(1)} GiB (MOLLIFIER_BENCH_MAX_TENSOR_BYTES)`);
  });
}
