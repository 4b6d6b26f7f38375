#!/usr/bin/env node
// The no-network column: the separable estimate D̂ = −f/∇²û straight from the observations (the same nodes and noise
// a train job with that seed observes; filled in by the thin-plate spline; then mollified), for steady heat in the
// regime of examples/heat-held-out.yaml. The radius is chosen on the tuning seeds 0-4 (best mean corr over radii
// 2-12) and scored once on the held-out seeds 100-104, beside the default radius 4 (docs/protocol.md).
// Usage: node bench/no-network.mjs [--grid 32] [--sample 0.1] [--noise 0.01] (after npm run build).
import { builtinProblem, initBackend, separableEstimate, withMeasurementNoise } from '../dist/mollifier/index.js';
import { simulateProblem } from '../dist/mollifier/pdes/simulate.js';

const option = (name, fallback) => Number(process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const grid = option('--grid', 32);
const sample = option('--sample', 0.1);
const noise = option('--noise', 0.01);
await initBackend({ log: false });
const heat = builtinProblem('heat');
const instance = simulateProblem('heat', { case: 'smooth', grid });
const radii = [2, 3, 4, 5, 6, 7, 8, 10, 12];
const tuning = [0, 1, 2, 3, 4];
const heldOut = [100, 101, 102, 103, 104];

async function corrs(seed) {
  const started = performance.now();
  const measured = withMeasurementNoise(instance, heat, noise, seed, sample);
  const byRadius = new Map();
  for (const radius of radii) {
    const s = (await separableEstimate(measured, heat, { radius })).summary;
    byRadius.set(radius, { corr: s.corr, corrSmoothed: s.corr_smoothed });
  }
  return { seed, byRadius, seconds: (performance.now() - started) / 1000 };
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));
const tuned = await Promise.all(tuning.map(corrs));
const chosen = radii.reduce((a, b) => (mean(tuned.map((t) => t.byRadius.get(b).corr)) > mean(tuned.map((t) => t.byRadius.get(a).corr)) ? b : a));
const scored = [];
for (const seed of heldOut) scored.push(await corrs(seed));
process.stdout.write(`heat smooth ${grid}×${grid}, ${sample * 100} % observed, ${noise * 100} % noise; thin-plate spline fill, bump kernel, valid boundary\n\n`);
process.stdout.write(`Tuning seeds ${tuning.join(', ')}, mean corr by radius: ${radii.map((r) => `${r}: ${mean(tuned.map((t) => t.byRadius.get(r).corr)).toFixed(3)}`).join(', ')} → radius ${chosen}\n\n`);
process.stdout.write(`| held-out seed | corr, radius 4 | corr, radius ${chosen} (tuned) | time (s, all ${radii.length} radii) |\n|---|---|---|---|\n`);
for (const s of scored) process.stdout.write(`| ${s.seed} | ${s.byRadius.get(4).corr.toFixed(3)} | ${s.byRadius.get(chosen).corr.toFixed(3)} | ${s.seconds.toFixed(2)} |\n`);
const col = (r) => scored.map((s) => s.byRadius.get(r).corr);
process.stdout.write(`| mean ± sd (n=5) | ${mean(col(4)).toFixed(3)} ± ${sd(col(4)).toFixed(3)} | ${mean(col(chosen)).toFixed(3)} ± ${sd(col(chosen)).toFixed(3)} | |\n`);
