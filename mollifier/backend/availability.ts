// Which rungs of the ladder work on this machine, for `mollifier backends`: each rung started in its own
// child process exactly as MOLLIFIER_BACKEND would start it (rung-probe.ts).
import { askChild } from './child-answer.js';
import { backendNames, type BackendName } from './select.js';

export interface BackendAvailability {
  name: BackendName;
  /** The rung starts and computes here (forced, so a software WebGPU adapter counts; see `reason`). */
  available: boolean;
  /** The adapter or device it runs on; null when it cannot start. */
  device: string | null;
  /** Why it is not available, or why the automatic ladder still passes it by; null otherwise. */
  reason: string | null;
  /** wasm only: its native kernels, 'on (OpenBLAS ...)' or why not (mollifier/backend/native/). */
  native?: string;
}

const rungTimeoutMs = 60_000;

async function probeRung(name: BackendName): Promise<BackendAvailability> {
  const env: NodeJS.ProcessEnv = { ...process.env, MOLLIFIER_LOG_LEVEL: 'silent' };
  delete env.MOLLIFIER_BACKEND;
  const asked = await askChild<Omit<BackendAvailability, 'name'>>('./rung-probe.js', [name], env, rungTimeoutMs);
  if (!asked.ok) return { name, available: false, device: null, reason: `its probe failed: ${asked.why}` };
  const found = asked.value;
  if (found.available && name === 'webgpu' && found.device?.endsWith('[software]')) {
    found.reason = 'a software adapter: the ladder passes it by; MOLLIFIER_BACKEND=webgpu uses it';
  }
  return { name, ...found };
}

/** Every rung, in ladder order. */
export async function backendAvailability(names: readonly BackendName[] = backendNames): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  // One at a time: two rungs loading TensorFlow at once would only slow each other on a small machine.
  for (const name of names) out.push(await probeRung(name));
  return out;
}
