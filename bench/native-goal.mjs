#!/usr/bin/env node
// The CPU goal of mollifier/backend/native/ measured robustly: the data-only, mollified-Laplacian and
// autodiff-Laplacian steps (64×64, 5×128 tanh MLP, the `bench derivatives` step) on wasm+native and in PyTorch
// (1 thread), alternated round by round so slow spells of a shared machine hit both; each round is a fresh
// process with 15 timed steps; the report is the median over rounds of each side's median step, and their ratio.
// Usage: node bench/native-goal.mjs [rounds] (after npm run build).
import { runChild } from '../dist/bench/derivatives/run.js';
import { probeTorch, runTorchStep } from '../dist/bench/derivatives/torch.js';

const rounds = Number(process.argv[2] ?? 5);
const torch = probeTorch();
if (!torch) throw new Error('PyTorch not found: this comparison needs it');
const base = { order: 2, depth: 5, width: 128, points: 4096, radius: 4, seed: 1, steps: 15, warmup: 3 };
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const lines = ['| step (64×64, 5×128) | wasm+native ms | PyTorch ms | ratio | goal | rounds |', '|---|---|---|---|---|---|'];
for (const [method, goal] of [['data', 1.2], ['mollifier', 1.2], ['autodiff', 1.5]]) {
  const config = { ...base, method, steps: method === 'autodiff' ? 8 : 15 };
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    const a = await runChild(config, 600_000, 'wasm', undefined, 'native');
    const b = await runTorchStep(torch, config, 600_000);
    if (!a.ok || b.error || b.msPerStep == null) throw new Error(`${method} round ${round}: ${a.error ?? b.error}`);
    if (a.backend !== 'wasm+native') throw new Error(`the native kernels did not run (${a.backend})`);
    ours.push(a.msPerStep);
    theirs.push(b.msPerStep);
    process.stderr.write(`${method} round ${round + 1}: wasm+native ${a.msPerStep.toFixed(1)} ms, torch ${b.msPerStep.toFixed(1)} ms\n`);
  }
  const [m, t] = [median(ours), median(theirs)];
  const label = { data: 'data only', mollifier: '+ Laplacian, mollified', autodiff: '+ Laplacian, autodiff' }[method];
  lines.push(`| ${label} | ${m.toFixed(1)} | ${t.toFixed(1)} | ${(m / t).toFixed(2)}× | ≤ ${goal}× ${m / t <= goal ? 'met' : 'not met'} | ${ours.map((v, i) => `${v.toFixed(0)}/${theirs[i].toFixed(0)}`).join(', ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
