#!/usr/bin/env node
// The kernel ablation of the paper's appendix B.1.3 (family × radius) and the no-network side of the noise sweeps,
// on the held-out instances of Table 2 (docs/table2.md; examples/table2/held-out/, seeds 100-104): the separable
// estimate straight from the observations (the nodes and noise a train job of that seed observes, spline-filled where
// sparse), for every kernel family and radius, every measurement-noise level, every node or 10 % of them observed.
// Nothing is chosen here: every cell is shown. The rd instances come from sh examples/table2/rd-instances.sh.
// Usage: node bench/kernel-ablation.mjs [--out FILE.md]   (after npm run build)
import { writeFileSync } from 'node:fs';
import { builtinProblem, initBackend, instanceShapesWith, readInstance, readParamField, separableEstimate, withMeasurementNoise } from '../dist/mollifier/index.js';

const seeds = [100, 101, 102, 103, 104];
const families = ['bump', 'poly2', 'poly4', 'sine'];
const noises = [0, 0.01, 0.02, 0.05, 0.1];
const samples = [1, 0.1];
const rows = [
  { pde: 'langevin', radii: [2, 4, 6, 10, 15, 20], load: (seed) => simulated('langevin', `examples/table2/held-out/langevin-seed-${seed}.csv`, seed) },
  { pde: 'heat', radii: [2, 4, 6, 8, 10, 12], load: (seed) => simulated('heat', `examples/table2/held-out/heat-seed-${seed}.csv`, seed) },
  { pde: 'rd', radii: [2, 3, 4, 6, 8, 12, 16], load: (seed) => readInstance(`results/table2/held-out/rd-seed-${seed}`, instanceShapesWith([builtinProblem('rd')])) },
];

function simulated(pde, file, seed) {
  const problem = builtinProblem(pde);
  return problem.simulate({ paramField: readParamField(file, problem), seed });
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
await initBackend({ log: false });
const started = performance.now();
const lines = [
  `# Kernel ablation and no-network noise sweep (held-out seeds ${seeds.join(', ')})`,
  '',
  `\`node bench/kernel-ablation.mjs\` on ${new Date().toISOString().slice(0, 10)}. Each cell: mean corr(λ̂, λ) over the five held-out runs of the separable estimate from the observations alone (no network), then in brackets the corr against the truth smoothed by the same kernel; "n/a": the family cannot give the operator's order (poly2 and sine stop at order 2, rd needs 4). Rows: measurement noise (σ relative to std of the field) × observed fraction; columns: radius in cells.`,
  '',
];
for (const row of rows) {
  const problem = builtinProblem(row.pde);
  const instances = seeds.map(row.load);
  for (const family of families) {
    const table = [`## ${row.pde}, ${family}`, '', `| noise, observed | ${row.radii.map((r) => `r = ${r}`).join(' | ')} |`, `|---|${row.radii.map(() => '---|').join('')}`];
    let anyValue = false;
    for (const sample of samples) {
      for (const noise of noises) {
        const measured = instances.map((instance, i) => withMeasurementNoise(instance, problem, noise, seeds[i], sample));
        const cells = [];
        for (const radius of row.radii) {
          try {
            const summaries = [];
            for (const m of measured) summaries.push((await separableEstimate(m, problem, { family, radius })).summary);
            cells.push(`${mean(summaries.map((s) => s.corr)).toFixed(3)} (${mean(summaries.map((s) => s.corr_smoothed)).toFixed(3)})`);
            anyValue = true;
          } catch (error) {
            cells.push(/cannot give|needs order|too few|too small/.test(String(error)) ? 'n/a' : `error: ${String(error.message ?? error).slice(0, 40)}`);
          }
        }
        table.push(`| ${noise * 100} %, ${sample * 100} % | ${cells.join(' | ')} |`);
      }
    }
    // A family that cannot give the problem's operators at any radius is one line, not a table of n/a.
    lines.push(...(anyValue ? table : [`## ${row.pde}, ${family}`, '', `n/a at every radius: ${family} cannot give the operators ${row.pde} needs.`]), '');
  }
}
lines.push(`Run time ${((performance.now() - started) / 1000).toFixed(1)} s.`, '');
const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;
if (out) writeFileSync(out, lines.join('\n'));
else process.stdout.write(lines.join('\n'));
