// Worker entry for test/native-kernels.test.ts: fill this thread's wasm heap (4 GiB at most) with the outputs of a
// native kernel until one more does not fit, then check that the backend still computes right. Posts
// { message, after, heapBytes }.
import { parentPort } from 'node:worker_threads';
import { initBackend, tf, type Tensor } from '../../mollifier/index.js';

await initBackend({ log: false });
const block = tf.ones([64 * 2 ** 20]); // 256 MiB
const kept: Tensor[] = [block];
let message = 'no error: the heap never filled';
try {
  for (let i = 0; i < 40; i++) kept.push(tf.add(block, block));
} catch (error) {
  message = error instanceof Error ? error.message : String(error);
}
tf.dispose(kept);
const after = Array.from(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]))).dataSync());
const heapBytes = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
parentPort!.postMessage({ message, after, heapBytes });
