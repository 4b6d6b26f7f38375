#!/usr/bin/env node
// The CPU goal of mollifier/backend/native/ measured robustly: the data-only, mollified-Laplacian and autodiff
// steps (5×128 tanh MLP, the `bench derivatives` step: the Laplacian at 64×64, a 1st derivative on 4,096 points in
// 1D, the biharmonic at 32×32, the largest grid whose autodiff fits the 4 GiB wasm heap) on wasm+native and in
// PyTorch (1 thread), alternated round by round so slow spells of a shared machine hit both; each round is a fresh
// process with 15 timed steps (8 for autodiff); the report is the median over rounds of each side's median step,
// and their ratio.
// Usage: node bench/native-goal.mjs [rounds] [row ...] (after npm run build); rows: data, mollifier, autodiff,
// autodiff-1d, autodiff-biharmonic (default: all).
import { runChild } from '../dist/bench/derivatives/run.js';
import { probeTorch, runTorchStep } from '../dist/bench/derivatives/torch.js';

const rounds = Number(process.argv[2] ?? 5);
const rows = [
  { id: 'data', label: 'data only (64×64)', method: 'data', goal: 1.2 },
  { id: 'mollifier', label: '+ Laplacian, mollified (64×64)', method: 'mollifier', goal: 1.2 },
  { id: 'autodiff', label: '+ Laplacian, autodiff (64×64)', method: 'autodiff', goal: 1.5 },
  { id: 'autodiff-1d', label: "+ u' + u = f, autodiff (1D, 4,096 points)", method: 'autodiff', goal: 1.5, order: 1 },
  { id: 'autodiff-biharmonic', label: '+ biharmonic, autodiff (32×32)', method: 'autodiff', goal: 1.5, order: 4, points: 1024 },
];
const asked = process.argv.slice(3);
const unknown = asked.filter((id) => !rows.some((row) => row.id === id));
if (unknown.length) throw new Error(`unknown row ${unknown.join(', ')} (rows: ${rows.map((row) => row.id).join(', ')})`);
const torch = probeTorch();
if (!torch) throw new Error('PyTorch not found: this comparison needs it');
const base = { order: 2, depth: 5, width: 128, points: 4096, radius: 4, seed: 1, steps: 15, warmup: 3 };
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const lines = ['| step (5×128 MLP) | wasm+native ms | PyTorch ms | ratio | goal | rounds |', '|---|---|---|---|---|---|'];
for (const row of rows.filter((r) => asked.length === 0 || asked.includes(r.id))) {
  const config = { ...base, method: row.method, order: row.order ?? 2, points: row.points ?? 4096, steps: row.method === 'autodiff' ? 8 : 15 };
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    const a = await runChild(config, 600_000, 'wasm', undefined, 'native');
    const b = await runTorchStep(torch, config, 600_000);
    if (!a.ok || b.error || b.msPerStep == null) throw new Error(`${row.id} round ${round}: ${a.error ?? b.error}`);
    if (a.backend !== 'wasm+native') throw new Error(`the native kernels did not run (${a.backend})`);
    ours.push(a.msPerStep);
    theirs.push(b.msPerStep);
    process.stderr.write(`${row.id} round ${round + 1}: wasm+native ${a.msPerStep.toFixed(1)} ms, torch ${b.msPerStep.toFixed(1)} ms\n`);
  }
  const [m, t] = [median(ours), median(theirs)];
  lines.push(`| ${row.label} | ${m.toFixed(1)} | ${t.toFixed(1)} | ${(m / t).toFixed(2)}× | ≤ ${row.goal}× ${m / t <= row.goal ? 'met' : 'not met'} | ${ours.map((v, i) => `${v.toFixed(0)}/${theirs[i].toFixed(0)}`).join(', ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
