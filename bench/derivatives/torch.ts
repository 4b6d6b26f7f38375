// The PyTorch side: bench/torch_derivatives.py runs the same step in PyTorch, when some python3 on this
// machine has torch (Debian's python3-torch). Its kernels are ours, passed in, so both sides convolve
// with identical weights.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kernelWeights1d } from '../../mollifier/index.js';
import { gridSide, type StepConfig } from './config.js';

export interface TorchProbe {
  python: string;
  torch: string;
  blas: string;
  /** The CUDA device torch sees (its name), or null on a CPU-only machine. */
  gpu: string | null;
}

export interface TorchResult {
  msPerStep?: number;
  msPerStepMean?: number;
  peakBytes?: number;
  rssPeakBytes?: number;
  oom: boolean;
  error?: string;
}

export function torchScriptPath(): string {
  // dist/bench/derivatives/torch.js and bench/derivatives/torch.ts both sit three levels under the root.
  for (const relative of ['../../../bench/torch_derivatives.py', '../../bench/torch_derivatives.py', '../torch_derivatives.py']) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('bench/torch_derivatives.py not found');
}

/** The first python3 that imports torch, or undefined (then the benchmark runs without PyTorch). */
export function probeTorch(): TorchProbe | undefined {
  const script = torchScriptPath();
  // MOLLIFIER_TORCH_PYTHON first (MOLLIFIER_PYTHON is its older name), then python3 on PATH, then Debian's.
  for (const python of [process.env.MOLLIFIER_TORCH_PYTHON, process.env.MOLLIFIER_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[]) {
    const probe = spawnSync(python, [script, '--probe'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status !== 0) continue;
    try {
      const info = JSON.parse(probe.stdout.trim().split('\n').pop()!) as { torch: string; blas: string; gpu?: string | null };
      return { python, torch: info.torch, blas: info.blas, gpu: info.gpu ?? null };
    } catch {
      continue;
    }
  }
  return undefined;
}

function torchKernels(config: StepConfig): Record<string, number[]> {
  const spacing = 1 / (gridSide(config)[0]! - 1);
  const weights = (order: number) => [...kernelWeights1d({ family: 'bump', radius: config.radius, spacing, order })];
  return { value: weights(0), d1: weights(1), d2: weights(2), d4: weights(4) };
}

export function runTorchStep(probe: TorchProbe, config: StepConfig, timeoutMs: number, device: 'cpu' | 'cuda' = 'cpu'): Promise<TorchResult> {
  // The address-space cap turns a PyTorch out-of-memory into a clean {"oom": true} row instead of the
  // kernel's OOM killer taking down the machine (a deep biharmonic step asks for tens of GB).
  const maxBytes = Number(process.env.MOLLIFIER_TORCH_MAX_BYTES ?? 14 * 2 ** 30);
  const input = { ...config, threads: 1, device, maxBytes: device === 'cpu' ? maxBytes : null, kernels: config.method === 'mollifier' ? torchKernels(config) : undefined };
  return new Promise((resolve) => {
    const child = spawn(probe.python, [torchScriptPath()], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as TorchResult;
        resolve({ ...parsed, oom: Boolean(parsed.oom) });
      } catch {
        const killed = signal === 'SIGKILL' ? 'timed out or killed' : `exit ${code ?? signal}`;
        resolve({ oom: /memory/i.test(stderr), error: `${killed}: ${stderr.trim().split('\n').pop() ?? ''}`.slice(0, 300) });
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
