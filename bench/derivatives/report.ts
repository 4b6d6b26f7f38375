// docs/benchmarks.md section for the derivative benchmark: machine, versions, and ratios side by side.
import { cpus, totalmem, release } from 'node:os';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BenchRow, BenchRun } from './run.js';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function machineDescription(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}`;
}

const mib = (bytes: number | null) => (bytes === null ? '–' : (bytes / 2 ** 20).toFixed(1));
const ms = (value: number | null) => (value === null ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? `${(a / b).toFixed(1)}×` : '–');

function cell(row: BenchRow | undefined, field: 'time' | 'memory' | 'rss'): string {
  if (!row) return '–';
  if (row.oom) return 'OOM';
  if (row.error) return 'failed';
  if (field === 'time') return ms(row.msPerStep);
  return mib(field === 'memory' ? row.peakBytes : row.rssPeakBytes);
}

function find(rows: BenchRow[], engine: string, order: number, depth: number, points: number, method: string): BenchRow | undefined {
  return rows.find((r) => r.engine === engine && r.order === order && r.depth === depth && r.points === points && r.method === method);
}

const ok = (row: BenchRow | undefined): row is BenchRow => Boolean(row && !row.oom && !row.error && row.msPerStep !== null);

const orderTitle: Record<number, string> = {
  1: "1st order, 1D: u' + u = f",
  2: '2nd order, 2D: Δu + f = 0 (Laplacian)',
  4: '4th order, 2D: Δ²u = f (biharmonic)',
};

function orderTable(rows: BenchRow[], order: number, points: number): string[] {
  const depths = [...new Set(rows.filter((r) => r.order === order && r.points === points).map((r) => r.depth))].sort((a, b) => a - b);
  const lines = [
    `| depth | data ms | autodiff ms | mollifier ms | autodiff / mollifier time | data MiB | autodiff MiB | mollifier MiB | autodiff / mollifier memory | mollifier RSS MiB | autodiff RSS MiB |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const depth of depths) {
    const [data, autodiff, mollifier] = ['data', 'autodiff', 'mollifier'].map((m) => find(rows, 'tfjs', order, depth, points, m));
    lines.push(
      `| ${depth} | ${cell(data, 'time')} | ${cell(autodiff, 'time')} | ${cell(mollifier, 'time')} | ${ok(autodiff) && ok(mollifier) ? ratio(autodiff.msPerStep, mollifier.msPerStep) : '–'} | ${cell(data, 'memory')} | ${cell(autodiff, 'memory')} | ${cell(mollifier, 'memory')} | ${ok(autodiff) && ok(mollifier) ? ratio(autodiff.peakBytes, mollifier.peakBytes) : '–'} | ${cell(mollifier, 'rss')} | ${cell(autodiff, 'rss')} |`,
    );
  }
  return lines;
}

function torchTable(rows: BenchRow[]): string[] {
  const torchRows = rows.filter((r) => r.engine === 'torch');
  if (torchRows.length === 0) return ['PyTorch was not found on this machine: no tfjs/PyTorch ratio was measured.'];
  const lines = [
    '| order | depth | grid | method | tfjs ms | PyTorch ms | tfjs / PyTorch time | tfjs MiB (tensors) | PyTorch MiB (RSS growth) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const t of torchRows) {
    const j = find(rows, 'tfjs', t.order, t.depth, t.points, t.method);
    lines.push(
      `| ${t.order} | ${t.depth} | ${t.grid} | ${t.method} | ${cell(j, 'time')} | ${cell(t, 'time')} | ${ok(j) && ok(t) ? ratio(j.msPerStep, t.msPerStep) : '–'} | ${cell(j, 'memory')} | ${cell(t, 'memory')} |`,
    );
  }
  return lines;
}

function headline(rows: BenchRow[]): string[] {
  const out: string[] = [];
  const a = find(rows, 'tfjs', 2, 5, 4096, 'autodiff');
  const m = find(rows, 'tfjs', 2, 5, 4096, 'mollifier');
  if (ok(a) && ok(m)) {
    out.push(
      `- **Laplacian, 64×64 points, 5×128 tanh MLP:** mollified step ${ms(m.msPerStep)} ms vs autodiff ${ms(a.msPerStep)} ms ` +
        `(**${ratio(a.msPerStep, m.msPerStep)} faster**); peak tensor memory ${mib(m.peakBytes)} MiB vs ${mib(a.peakBytes)} MiB ` +
        `(**${ratio(a.peakBytes, m.peakBytes)} less**); process RSS ${mib(m.rssPeakBytes)} MiB vs ${mib(a.rssPeakBytes)} MiB.`,
    );
  }
  const sweep = rows.filter((r) => r.engine === 'tfjs' && r.order === 4 && r.depth === 5 && r.method === 'autodiff' && ok(r));
  const largest = sweep.sort((x, y) => y.points - x.points)[0];
  if (largest) {
    const twin = find(rows, 'tfjs', 4, 5, largest.points, 'mollifier');
    const oomAbove = rows.filter((r) => r.engine === 'tfjs' && r.order === 4 && r.depth === 5 && r.method === 'autodiff' && r.oom && r.points > largest.points);
    out.push(
      `- **Biharmonic, depth 5:** the largest grid nested autodiff ran is ${largest.grid} (${largest.points} points): ` +
        `${ms(largest.msPerStep)} ms and ${mib(largest.peakBytes)} MiB per step, vs mollifier ${cell(twin, 'time')} ms and ${cell(twin, 'memory')} MiB ` +
        `(time ${ok(twin) ? ratio(largest.msPerStep, twin.msPerStep) : '–'}, memory ${ok(twin) ? ratio(largest.peakBytes, twin.peakBytes) : '–'}). ` +
        (oomAbove.length ? `Autodiff ran out of memory from ${oomAbove.sort((x, y) => x.points - y.points)[0]!.grid} up.` : ''),
    );
  }
  const t = find(rows, 'torch', 2, 5, 4096, 'mollifier');
  if (ok(m) && ok(t)) out.push(`- **tfjs-${m.backend} / PyTorch (1 thread)** on the mollified Laplacian step: ${ratio(m.msPerStep, t.msPerStep)} the time.`);
  return out;
}

export function benchmarkMarkdown(run: BenchRun, command: string, date: Date): string {
  const rows = run.rows;
  const lines = [
    '## Derivatives: autodiff vs mollifier layer (the paper\'s Fig. 1a and Table 1)',
    '',
    `Measured ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`.`,
    '',
    `- Machine: ${machineDescription()}`,
    `- Node ${process.version}; TensorFlow.js ${packageVersion('@tensorflow/tfjs-core')}, backend **${run.tfjsBackend}** (single-threaded; the transpose-free matmul and higher-order-gradient fixes installed)`,
    `- PyTorch: ${run.torch ? `${run.torch.torch} with ${run.torch.blas}, 1 thread (\`${run.torch.python}\`)` : 'not present'}`,
    '- Step: one Adam step of a tanh MLP (width 128) on every grid node; data = MSE to a smooth field; autodiff and mollifier add the',
    '  PDE residual with derivatives by nested `tf.grad` or by the mollifier layer (bump kernel, radius 4, valid boundary).',
    '- Time: median of the timed steps after warm-up. Memory: `tf.profile` peakBytes of one step (tensor memory; the wasm heap',
    '  cannot exceed 4 GB) and the worker process\'s peak RSS. Each configuration runs in its own process; OOM = it ran out of memory.',
    '',
    '### Headline',
    '',
    ...headline(rows),
    '',
  ];
  for (const order of [1, 2, 4]) {
    lines.push(`### ${orderTitle[order]}, 4096 points`, '', ...orderTable(rows, order, 4096), '');
  }
  const sweepPoints = [...new Set(rows.filter((r) => r.order === 4 && r.depth === 5 && r.points !== 4096).map((r) => r.points))].sort((a, b) => a - b);
  if (sweepPoints.length) {
    lines.push('### 4th order, depth 5: grid-size sweep', '', '| grid | autodiff ms | mollifier ms | time ratio | autodiff MiB | mollifier MiB | memory ratio |', '|---|---|---|---|---|---|---|');
    for (const points of sweepPoints) {
      const a = find(rows, 'tfjs', 4, 5, points, 'autodiff');
      const m = find(rows, 'tfjs', 4, 5, points, 'mollifier');
      const grid = (a ?? m)!.grid;
      lines.push(`| ${grid} | ${cell(a, 'time')} | ${cell(m, 'time')} | ${ok(a) && ok(m) ? ratio(a.msPerStep, m.msPerStep) : '–'} | ${cell(a, 'memory')} | ${cell(m, 'memory')} | ${ok(a) && ok(m) ? ratio(a.peakBytes, m.peakBytes) : '–'} |`);
    }
    lines.push('');
  }
  lines.push('### TensorFlow.js vs PyTorch, same steps, same run', '', ...torchTable(rows), '');
  return lines.join('\n');
}

/** Replace (or append) one benchmark's section of docs/benchmarks.md, keeping every other section. */
export function spliceSection(document: string, section: string, name = 'derivatives'): string {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end.length);
  const header = document.trim() === '' ? '# Benchmarks\n\nEvery number here was measured by the command quoted with it.\n\n' : `${document.trimEnd()}\n\n`;
  return `${header}${block}\n`;
}
