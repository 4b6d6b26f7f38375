// Peak live tensor bytes while a function runs. tf.profile reports the same quantity but keeps a record per
// kernel and takes Math.max(...records) at the end, which overflows the call stack on the hundreds of
// thousands of kernels of a 4th-order autodiff step; it also times every kernel. This watches the engine's
// byte counter instead: O(1) memory, every allocation seen, nothing timed.
import { tf } from './tf.js';

interface EngineState {
  numBytes: number;
}

/**
 * Calls `listener` with every new value of the engine's live-tensor byte counter (before it is stored: a
 * listener that throws refuses the allocation). Watchers nest; the returned function removes this one and
 * puts back whatever was there before.
 */
export function watchTensorBytes(listener: (bytes: number) => void): () => void {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  const previous = Object.getOwnPropertyDescriptor(state, 'numBytes')!;
  const read = previous.get ? () => previous.get!.call(state) as number : () => bytes;
  const write = previous.set ? (value: number) => previous.set!.call(state, value) : (value: number) => void (bytes = value);
  let bytes = state.numBytes;
  Object.defineProperty(state, 'numBytes', {
    configurable: true,
    enumerable: true,
    get: read,
    set: (value: number) => {
      listener(value);
      write(value);
    },
  });
  return () => {
    const current = state.numBytes;
    Object.defineProperty(state, 'numBytes', previous);
    // A plain data property takes back the count kept meanwhile.
    if (!previous.get) state.numBytes = current;
  };
}

export async function peakTensorBytes(run: () => void | Promise<void>): Promise<number> {
  let peak = (tf.engine() as unknown as { state: EngineState }).state.numBytes;
  const unwatch = watchTensorBytes((bytes) => {
    if (bytes > peak) peak = bytes;
  });
  try {
    await run();
  } finally {
    unwatch();
  }
  return peak;
}
