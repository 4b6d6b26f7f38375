// Entry of one benchmark worker process: read a StepConfig (JSON, argv[2]), measure, send the result.
import { initBackend } from '../../mollifier/index.js';
import { measureStep } from './measure.js';
import { capTensorBytes } from './tensor-cap.js';
import type { StepConfig } from './config.js';

const outOfMemory = /out of memory|Aborted\(|memory access out of bounds|Array buffer allocation failed|Cannot enlarge memory|OOM/i;

function send(message: unknown): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : (console.log(JSON.stringify(message)), resolve())));
}

const config = JSON.parse(process.argv[2] ?? '{}') as StepConfig;
try {
  const backend = await initBackend({ log: false });
  const cap = Number(process.env.MOLLIFIER_BENCH_MAX_TENSOR_BYTES ?? 0);
  if (cap > 0) capTensorBytes(cap);
  const result = await measureStep(config);
  // The wasm backend with its native kernels is its own column ('wasm+native'; mollifier/backend/native/).
  const name = backend.native?.state === 'on' ? `${backend.name}+native` : backend.name;
  await send({ ok: true, backend: name, device: backend.device, ...result });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  await send({ ok: false, oom: outOfMemory.test(message), error: message.split('\n')[0]!.slice(0, 300) });
}
process.exit(0);
