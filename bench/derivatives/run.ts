// Runs a benchmark plan: every configuration in a fresh worker process (an out-of-memory becomes a row
// with oom: true, never a crash of the run), and the PyTorch twin of each when torch is present.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gridSide, type BenchPlan, type StepConfig } from './config.js';
import { probeTorch, runTorchStep, type TorchProbe } from './torch.js';

export interface BenchRow {
  engine: 'tfjs' | 'torch';
  backend: string;
  /** What it ran on, as the backend reports it (a WebGPU adapter, cuda device, cpu). */
  device?: string;
  order: number;
  depth: number;
  width: number;
  points: number;
  grid: string;
  method: string;
  msPerStep: number | null;
  msPerStepMean: number | null;
  peakBytes: number | null;
  rssPeakBytes: number | null;
  oom: boolean;
  error?: string;
}

interface ChildMessage {
  ok: boolean;
  backend?: string;
  device?: string;
  msPerStep?: number;
  msPerStepMean?: number;
  peakBytes?: number;
  rssPeakBytes?: number;
  oom?: boolean;
  error?: string;
}

const childEntry = fileURLToPath(new URL('./child.js', import.meta.url));
const outOfMemory = /out of memory|Aborted\(|memory access out of bounds|allocation failed|heap limit/i;

/** The wasm kernels a run compares: stock ('wasm') and native ('native', mollifier/backend/native/). */
export type KernelVariant = 'wasm' | 'native';

/** One configuration in a fresh process, on `backend` (as MOLLIFIER_BACKEND) or the ladder's choice. */
export function runChild(config: StepConfig, timeoutMs: number, backend?: string, maxTensorBytes?: number, kernels?: KernelVariant): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const child = fork(childEntry, [JSON.stringify(config)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: ['--max-old-space-size=8192'],
      env: {
        ...process.env,
        MOLLIFIER_LOG_LEVEL: 'warn',
        ...(backend ? { MOLLIFIER_BACKEND: backend } : {}),
        ...(maxTensorBytes ? { MOLLIFIER_BENCH_MAX_TENSOR_BYTES: String(maxTensorBytes) } : {}),
        ...(kernels ? { MOLLIFIER_NATIVE: kernels === 'native' ? '1' : '0' } : {}),
      },
    });
    let message: ChildMessage | undefined;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('message', (m) => (message = m as ChildMessage));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message) return resolve(message);
      if (timedOut) return resolve({ ok: false, oom: false, error: `timed out after ${timeoutMs / 1000} s` });
      const last = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
      resolve({ ok: false, oom: outOfMemory.test(stderr) || signal === 'SIGABRT', error: `exit ${code ?? signal}: ${last}`.slice(0, 300) });
    });
  });
}

export function describe(config: StepConfig): string {
  return `order ${config.order}, depth ${config.depth}, ${gridSide(config).join('×')}, ${config.method}`;
}

export function rowOf(engine: BenchRow['engine'], backend: string, config: StepConfig, m: Omit<ChildMessage, 'ok'>): BenchRow {
  const row: BenchRow = {
    engine,
    backend,
    ...(m.device ? { device: m.device } : {}),
    order: config.order,
    depth: config.depth,
    width: config.width,
    points: config.points,
    grid: gridSide(config).join('x'),
    method: config.method,
    msPerStep: m.msPerStep ?? null,
    msPerStepMean: m.msPerStepMean ?? null,
    peakBytes: m.peakBytes ?? null,
    rssPeakBytes: m.rssPeakBytes ?? null,
    oom: Boolean(m.oom),
  };
  if (m.error) row.error = m.error;
  return row;
}

export function summary(row: BenchRow): string {
  if (row.oom) return 'out of memory';
  if (row.error) return `failed: ${row.error}`;
  return `${row.msPerStep!.toFixed(1)} ms/step, peak ${(row.peakBytes! / 2 ** 20).toFixed(1)} MiB`;
}

export interface RunOptions {
  torch: boolean;
  /** Which wasm kernels to run each configuration on (default: the process's choice only). */
  kernels?: KernelVariant[];
  log: (line: string) => void;
}

export interface BenchRun {
  rows: BenchRow[];
  torch: TorchProbe | undefined;
  tfjsBackend: string;
  /** The native kernels' BLAS and vector ISA where they ran (mollifier/backend/native/). */
  native?: string;
}

export async function runBenchPlan(plan: BenchPlan, options: RunOptions): Promise<BenchRun> {
  const torch = options.torch ? probeTorch() : undefined;
  options.log(torch ? `PyTorch ${torch.torch} (${torch.blas}) found at ${torch.python}` : 'PyTorch not found: tfjs only');
  const rows: BenchRow[] = [];
  let tfjsBackend = 'unknown';
  const total = plan.configs.length;
  for (const [index, config] of plan.configs.entries()) {
    for (const kernels of options.kernels ?? [undefined]) {
      const result = await runChild(config, plan.timeoutMs, undefined, undefined, kernels);
      const backend = result.backend ?? (kernels === 'native' ? 'wasm+native' : kernels ?? tfjsBackend);
      if (result.backend && tfjsBackend === 'unknown') tfjsBackend = result.backend;
      const row = rowOf('tfjs', backend, config, result);
      rows.push(row);
      options.log(`[${index + 1}/${total}] tfjs ${backend} ${describe(config)}: ${summary(row)}`);
    }
    if (torch) {
      const result = await runTorchStep(torch, config, plan.timeoutMs);
      const torchRow = rowOf('torch', `torch ${torch.torch} ${torch.blas}`, config, result);
      rows.push(torchRow);
      options.log(`[${index + 1}/${total}] torch ${describe(config)}: ${summary(torchRow)}`);
    }
  }
  return { rows, torch, tfjsBackend };
}
