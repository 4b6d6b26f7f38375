// Peak live tensor bytes while a function runs. tf.profile reports the same quantity but keeps a record per
// kernel and takes Math.max(...records) at the end, which overflows the call stack on the hundreds of
// thousands of kernels of a 4th-order autodiff step; it also times every kernel. This watches the engine's
// byte counter instead: O(1) memory, every allocation seen, nothing timed.
import { tf } from './tf.js';

interface EngineState {
  numBytes: number;
}

export async function peakTensorBytes(run: () => void | Promise<void>): Promise<number> {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  let bytes = state.numBytes;
  let peak = bytes;
  Object.defineProperty(state, 'numBytes', {
    configurable: true,
    enumerable: true,
    get: () => bytes,
    set: (value: number) => {
      bytes = value;
      if (value > peak) peak = value;
    },
  });
  try {
    await run();
  } finally {
    // Back to a plain data property holding the current count.
    Object.defineProperty(state, 'numBytes', { configurable: true, enumerable: true, writable: true, value: bytes });
  }
  return peak;
}
