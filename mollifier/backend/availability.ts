// Which rungs of the ladder work on this machine, for `mollifier backends`: each rung started in its own
// child process exactly as MOLLIFIER_BACKEND would start it (rung-probe.ts).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backendNames, type BackendName } from './select.js';
import { rungProbeMarker } from './webgpu-flags.js';

export interface BackendAvailability {
  name: BackendName;
  /** The rung starts and computes here (forced, so a software WebGPU adapter counts; see `reason`). */
  available: boolean;
  /** The adapter or device it runs on; null when it cannot start. */
  device: string | null;
  /** Why it is not available, or why the automatic ladder still passes it by; null otherwise. */
  reason: string | null;
}

const rungTimeoutMs = 60_000;

function probeRung(name: BackendName): Promise<BackendAvailability> {
  const script = fileURLToPath(new URL('./rung-probe.js', import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env, MOLLIFIER_LOG_LEVEL: 'silent' };
  delete env.MOLLIFIER_BACKEND;
  return new Promise((resolve) => {
    execFile(process.execPath, [script, name], { timeout: rungTimeoutMs, maxBuffer: 1 << 20, env }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith(rungProbeMarker));
      if (!line) {
        const why = error?.killed ? `did not start within ${rungTimeoutMs / 1000} s` : `its probe exited: ${(stderr.trim().split('\n').pop() ?? error?.message ?? '').slice(0, 200)}`;
        resolve({ name, available: false, device: null, reason: why });
        return;
      }
      const answer = JSON.parse(line.slice(rungProbeMarker.length)) as Omit<BackendAvailability, 'name'>;
      if (answer.available && name === 'webgpu' && answer.device?.endsWith('[software]')) {
        answer.reason = 'a software adapter: the ladder passes it by; MOLLIFIER_BACKEND=webgpu uses it';
      }
      resolve({ name, ...answer });
    });
  });
}

/** Every rung, in ladder order. */
export async function backendAvailability(names: readonly BackendName[] = backendNames): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  // One at a time: two rungs loading TensorFlow at once would only slow each other on a small machine.
  for (const name of names) out.push(await probeRung(name));
  return out;
}
