#!/usr/bin/env node
// The forward toy problem of the paper's B.5 (u′ = −u on [0, 5], u(0) = 1; problems/decay.ts), trained as
// `mollifier train --pde decay` trains it (runJob, the problem's defaults), mollified and autodiff side by side in one
// process: per seed, the mollified job at the default options, the autodiff job at equal epochs, the autodiff job at
// equal wall time (its epochs cut to the mollified job's training time at its own measured rate), and the mollified
// job at radius 5 (B.5's kernel of 11 taps). Scored on the held-out seeds 100-104; `--tune` runs the one choice made
// by looking at results, the PINN's depth, on the tuning seeds 0-4 (docs/protocol.md, docs/forward.md).
// Usage: node bench/forward-decay.mjs [--tune] [--seeds 100,101,102,103,104] [--json FILE] (after npm run build).
import { writeFileSync } from 'node:fs';
import { builtinProblem, runJob } from '../dist/mollifier/index.js';

const argument = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const tune = process.argv.includes('--tune');
const seeds = argument('--seeds', tune ? '0,1,2,3,4' : '100,101,102,103,104').split(',').map(Number);
const jsonOut = argument('--json', undefined);
const decay = builtinProblem('decay');
const epochs = decay.defaults.epochs;
// The wire defaults a `mollifier train --pde decay` job gets (protocol/job-options.ts).
const base = { pde: 'decay', model: 'pinn', derivatives: 'mollifier', family: 'bump', radius: 4, obsNoise: 0, sample: 0.1, lr: 1e-3, preset: 'cpu' };

async function job(options, problem = decay) {
  const result = await runJob({ ...base, ...options, problem });
  if (result.status !== 'completed') throw new Error(`${JSON.stringify(options)}: ${result.status} ${result.reason ?? ''}`);
  const m = result.metrics;
  return { error: m.u_rel_l2, time: m.time_s, epochs: result.config.epochs, kernels: `${m.kernels.backend}${m.kernels.native ? ` (native kernels: ${m.kernels.native})` : ''}`, machine: m.machine };
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));
const summary = (v, f) => `${f(mean(v))} ± ${f(sd(v))}`;
const sci = (x) => x.toExponential(2);
const secs = (x) => x.toFixed(1);
const out = (line) => process.stdout.write(`${line}\n`);

if (tune) {
  // Rule, fixed before running: the depth (hidden layers of 64 tanh units) with the smaller mean u_rel_l2 of the
  // mollified job at the default options over seeds 0-4.
  const depths = [2, 3];
  const rows = [];
  for (const seed of seeds) {
    for (const depth of depths) {
      const problem = { ...decay, defaults: { ...decay.defaults, pinn: { ...decay.defaults.pinn, depth } } };
      rows.push({ seed, depth, ...(await job({ seed }, problem)) });
    }
  }
  out(`| seed | ${depths.map((d) => `depth ${d}: u rel. L2 | time (s)`).join(' | ')} |\n|---|${depths.map(() => '---|---|').join('')}`);
  for (const seed of seeds) out(`| ${seed} | ${depths.map((d) => rows.find((r) => r.seed === seed && r.depth === d)).map((r) => `${sci(r.error)} | ${secs(r.time)}`).join(' | ')} |`);
  const byDepth = depths.map((d) => rows.filter((r) => r.depth === d));
  out(`| mean ± sd | ${byDepth.map((rs) => `${summary(rs.map((r) => r.error), sci)} | ${summary(rs.map((r) => r.time), secs)}`).join(' | ')} |`);
  const chosen = depths[byDepth.map((rs) => mean(rs.map((r) => r.error))).reduce((best, e, i, all) => (e < all[best] ? i : best), 0)];
  out(`\nchosen depth: ${chosen} (the problem's default is ${decay.defaults.pinn.depth}); ${rows[0].kernels}`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ tune: rows, chosen }, null, 1)}\n`);
} else {
  const rows = [];
  for (const seed of seeds) {
    const mollified = await job({ seed });
    const autodiff = await job({ seed, derivatives: 'autodiff' });
    // Equal wall time: the autodiff job's epochs at its own rate (from the equal-epoch run) that fit the mollified
    // job's training time; its cosine schedule runs over those epochs.
    const equalTimeEpochs = Math.max(1, Math.round((epochs * mollified.time) / autodiff.time));
    const autodiffEqualTime = await job({ seed, derivatives: 'autodiff', epochs: equalTimeEpochs });
    const radius5 = await job({ seed, radius: 5 });
    rows.push({ seed, mollified, autodiff, autodiffEqualTime, radius5 });
    out(`seed ${seed}: mollified ${sci(mollified.error)} in ${secs(mollified.time)} s; autodiff ${sci(autodiff.error)} in ${secs(autodiff.time)} s; autodiff ${equalTimeEpochs} epochs ${sci(autodiffEqualTime.error)} in ${secs(autodiffEqualTime.time)} s; mollified radius 5 ${sci(radius5.error)} in ${secs(radius5.time)} s`);
  }
  const columns = [
    ['mollified (defaults: radius 4)', (r) => r.mollified],
    [`autodiff, equal epochs (${epochs})`, (r) => r.autodiff],
    ['autodiff, equal wall time', (r) => r.autodiffEqualTime],
    ['mollified, radius 5 (11 taps, B.5)', (r) => r.radius5],
  ];
  out(`\n${rows[0].mollified.kernels}; ${rows[0].mollified.machine.cpu}, ${rows[0].mollified.machine.cores} cores\n`);
  out('| run | u rel. L2 error (mean ± sd) | worst seed | training time, s | epochs |\n|---|---|---|---|---|');
  for (const [name, pick] of columns) {
    const runs = rows.map(pick);
    // Every seed's epochs (one value when they all agree): equal-time runs differ per seed.
    const epochs = runs.map((r) => r.epochs);
    const epochsText = new Set(epochs).size === 1 ? String(epochs[0]) : epochs.join(', ');
    out(`| ${name} | ${summary(runs.map((r) => r.error), sci)} | ${sci(Math.max(...runs.map((r) => r.error)))} | ${summary(runs.map((r) => r.time), secs)} | ${epochsText} |`);
  }
  out(`\nseeds ${seeds.join(', ')}; per seed: mollified, then autodiff at equal epochs, at equal time, then mollified at radius 5`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(rows, null, 1)}\n`);
}
