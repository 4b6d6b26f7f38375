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

/** The tfjs column the tables show: the native kernels where a run has them (what jobs use), else the one it ran. */
export function primaryBackend(rows: BenchRow[]): string | undefined {
  const tfjs = rows.filter((r) => r.engine === 'tfjs');
  return (tfjs.find((r) => r.backend.endsWith('+native')) ?? tfjs[0])?.backend;
}

/** The tfjs backends of a run, stock first. */
function tfjsBackends(rows: BenchRow[]): string[] {
  return [...new Set(rows.filter((r) => r.engine === 'tfjs').map((r) => r.backend))].sort((a, b) => a.length - b.length);
}

function find(rows: BenchRow[], engine: string, order: number, depth: number, points: number, method: string, backend?: string): BenchRow | undefined {
  const tfjsBackend = backend ?? (engine === 'tfjs' ? primaryBackend(rows) : undefined);
  return rows.find(
    (r) => r.engine === engine && r.order === order && r.depth === depth && r.points === points && r.method === method && (tfjsBackend === undefined || r.backend === tfjsBackend),
  );
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
  const backends = tfjsBackends(rows);
  const lines = [
    `| order | depth | grid | method | ${backends.map((b) => `tfjs ${b} ms`).join(' | ')} | PyTorch ms | ${backends.map((b) => `${b} / PyTorch time`).join(' | ')} | ${backends.map((b) => `${b} MiB (tensors)`).join(' | ')} | PyTorch MiB (RSS growth) |`,
    `|---|---|---|---|${backends.map(() => '---|').join('')}---|${backends.map(() => '---|').join('')}${backends.map(() => '---|').join('')}---|`,
  ];
  for (const t of torchRows) {
    const js = backends.map((b) => find(rows, 'tfjs', t.order, t.depth, t.points, t.method, b));
    lines.push(
      `| ${t.order} | ${t.depth} | ${t.grid} | ${t.method} | ${js.map((j) => cell(j, 'time')).join(' | ')} | ${cell(t, 'time')} | ${js.map((j) => (ok(j) && ok(t) ? ratio(j.msPerStep, t.msPerStep) : '–')).join(' | ')} | ${js.map((j) => cell(j, 'memory')).join(' | ')} | ${cell(t, 'memory')} |`,
    );
  }
  return lines;
}

/** Native kernels against stock wasm, same steps, same run: time and tensor memory. */
function nativeTable(rows: BenchRow[]): string[] {
  const backends = tfjsBackends(rows);
  if (backends.length < 2) return [];
  const [stock, native] = [backends[0]!, backends[backends.length - 1]!];
  const lines = [
    `### ${native} vs ${stock}, same steps, same run`,
    '',
    `| order | depth | grid | method | ${stock} ms | ${native} ms | speed-up | ${stock} MiB | ${native} MiB |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows.filter((row) => row.engine === 'tfjs' && row.backend === stock)) {
    const n = find(rows, 'tfjs', r.order, r.depth, r.points, r.method, native);
    lines.push(`| ${r.order} | ${r.depth} | ${r.grid} | ${r.method} | ${cell(r, 'time')} | ${cell(n, 'time')} | ${ok(r) && ok(n) ? ratio(r.msPerStep, n.msPerStep) : '–'} | ${cell(r, 'memory')} | ${cell(n, 'memory')} |`);
  }
  return [...lines, ''];
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
  for (const backend of tfjsBackends(rows)) {
    const parts = (['data', 'mollifier', 'autodiff'] as const).flatMap((method) => {
      const j = find(rows, 'tfjs', 2, 5, 4096, method, backend);
      const t = find(rows, 'torch', 2, 5, 4096, method);
      return ok(j) && ok(t) ? [`${method === 'data' ? 'data-only' : method === 'mollifier' ? 'mollified Laplacian' : 'autodiff Laplacian'} ${ratio(j.msPerStep, t.msPerStep)}`] : [];
    });
    if (parts.length) out.push(`- **tfjs ${backend} / PyTorch (1 thread)**, 64×64, 5×128 MLP, time per step: ${parts.join(', ')}.`);
  }
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
    `- Node ${process.version}; TensorFlow.js ${packageVersion('@tensorflow/tfjs-core')}, backend${tfjsBackends(rows).length > 1 ? 's' : ''} **${tfjsBackends(rows).join('**, **')}** (single-threaded; the higher-order-gradient fix installed; stock wasm with the transpose-free matmul; "+native": the native kernels of mollifier/backend/native/${run.native ? `, ${run.native}` : ''}). The per-order tables show ${primaryBackend(rows) ?? 'tfjs'}.`,
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
  lines.push(...nativeTable(rows));
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
