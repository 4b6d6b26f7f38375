// WebGPU reports a failed command (a buffer past the device's binding limit, an out-of-memory, an invalid
// pipeline) as an event on the device, not as an exception: the command is skipped, and tfjs goes on to read
// whatever the output buffer holds. Measured on lavapipe: the sum of a 40 M-element tensor came back 0 or
// 6e7 instead of 8e7, with only Dawn's messages on stderr (test/webgpu.test.ts). This guard collects those
// events and makes the next read of any tensor throw, so a job fails with the reason instead of training on
// garbage.
import { tf } from './tf.js';

export class WebGpuError extends Error {
  override name = 'WebGpuError';
}

interface GuardedBackend {
  device: { addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string; constructor?: { name?: string } } }) => void): void };
  read(dataId: object): Promise<unknown>;
}

const guarded = new WeakSet<object>();

/** Installs the guard on the active webgpu backend (once per backend instance). */
export function installWebGpuErrorGuard(): void {
  const backend = tf.backend() as unknown as GuardedBackend;
  if (guarded.has(backend)) return;
  guarded.add(backend);
  const errors: string[] = [];
  backend.device.addEventListener('uncapturederror', (event) => {
    const kind = event.error?.constructor?.name ?? 'GPUError';
    errors.push(`${kind}: ${(event.error?.message ?? 'unknown error').split('\n')[0]}`);
  });
  const read = backend.read.bind(backend);
  backend.read = async (dataId: object) => {
    const values = await read(dataId);
    if (errors.length > 0) {
      const [first] = errors;
      const count = errors.length;
      errors.length = 0;
      throw new WebGpuError(`the GPU rejected ${count} command(s), so results are not valid: ${first}`);
    }
    return values;
  };
}
