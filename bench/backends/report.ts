// docs/benchmarks.md section of `bench backends`: per size, each training step on every backend and in
// PyTorch, side by side, each column labelled with its device; ratios against wasm and PyTorch.
import type { BenchRow } from '../derivatives/run.js';
import { machineDescription } from '../derivatives/report.js';
import { backendBenchCases, caseLabel } from './plan.js';
import type { BackendBenchRun } from './run.js';

const ms = (v: number | null) => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const mib = (v: number | null) => (v === null ? '–' : (v / 2 ** 20).toFixed(1));
const ok = (row: BenchRow | undefined): row is BenchRow => Boolean(row && !row.oom && !row.error && row.msPerStep !== null);
const cell = (row: BenchRow | undefined) => (!row ? '–' : row.oom ? 'OOM' : row.error ? 'failed' : `${ms(row.msPerStep)} / ${mib(row.peakBytes)}`);
const ratio = (a: BenchRow | undefined, b: BenchRow | undefined) => (ok(a) && ok(b) ? `${(a.msPerStep! / b.msPerStep!).toFixed(2)}×` : '–');

export function backendBenchMarkdown(run: BackendBenchRun, command: string, date: Date): string {
  const engines = [...new Set(run.rows.map((r) => `${r.engine}:${r.backend}`))];
  const label = (key: string) => {
    const row = run.rows.find((r) => `${r.engine}:${r.backend}` === key)!;
    return `${row.engine === 'torch' ? row.backend : `tfjs ${row.backend}`} (${row.device ?? '?'})`;
  };
  const lines = [
    '## Backends: the same training steps on every backend and in PyTorch',
    '',
    `Measured ${date.toISOString().slice(0, 10)} with \`${command}\` on ${machineDescription()}.`,
    'A tanh MLP 2 → 5×128 → 1, one Adam step on every grid node; the residual\'s derivatives by nested autodiff or by',
    'the mollifier layer (bump kernel, radius 4, valid boundary). Median ms per step / peak live tensor MiB of a step',
    '(device memory on a GPU backend). Every configuration runs in its own process; OOM is an out-of-memory there.',
    'PyTorch runs the same step in the same run, on CUDA where it sees a GPU, else on one CPU thread (one wasm job',
    'is one thread too).',
    ...(run.maxTensorBytes ? [`A tfjs OOM is also a step whose live tensors would pass the run's cap of ${(run.maxTensorBytes / 2 ** 30).toFixed(1)} GiB (a software Vulkan device takes host memory).`] : []),
    '',
    'Backends:',
    ...run.backends.map((b) => `- ${b.name}: ${b.ran ? `ran on ${b.device}` : `not run (${b.reason})`}`),
    '',
  ];
  const sizes = [...new Set(run.rows.map((r) => r.points))];
  for (const points of sizes) {
    const side = Math.round(Math.sqrt(points));
    lines.push(`### ${points.toLocaleString('en')} points (${side}×${side})`, '');
    lines.push(`| step | ${engines.map(label).join(' | ')} | ${engines.filter((e) => e !== 'tfjs:wasm').map((e) => `${e.split(':')[1]} ÷ wasm`).join(' | ')} |`);
    lines.push(`|---|${engines.map(() => '---').join('|')}|${engines.filter((e) => e !== 'tfjs:wasm').map(() => '---').join('|')}|`);
    for (const c of backendBenchCases) {
      const rowFor = (key: string) => run.rows.find((r) => `${r.engine}:${r.backend}` === key && r.points === points && r.order === c.order && r.method === c.method);
      const wasm = rowFor('tfjs:wasm');
      lines.push(`| ${caseLabel(c)} | ${engines.map((e) => cell(rowFor(e))).join(' | ')} | ${engines.filter((e) => e !== 'tfjs:wasm').map((e) => ratio(rowFor(e), wasm)).join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
