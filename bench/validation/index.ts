// docs/validation.md: the simulators and the separable estimates checked against known truth and against the
// authors' COMSOL data. Every number is computed by this script; `mollifier bench validation` reruns it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readComsolField } from '../../mollifier/index.js';
import type { KernelFamily } from '../../mollifier/index.js';
import { separableEstimate, type EstimateSummary } from '../../mollifier/index.js';
import { builtinProblem } from '../../mollifier/index.js';
import { simulateProblem } from '../../mollifier/index.js';
import type { ProblemInstance } from '../../mollifier/index.js';
import { rdStatistics, type RdFieldStatistics } from '../rd-statistics.js';
import { machineDescription } from '../derivatives/report.js';
import { spectralLaplacian } from '../../mollifier/index.js';
import { simulateReactionDiffusion } from '../../mollifier/index.js';
import { chromatinDefaults } from '../../mollifier/index.js';
import { fieldMean, fieldStd, pearson } from '../../mollifier/index.js';

/** k̂ with exact periodic (FFT) derivatives in float64: the best any local differentiation can do on these fields. */
export function spectralRateEstimate(instance: ProblemInstance): { mean: number; median: number; std: number; corr: number } {
  const grid = instance.grid;
  if (grid.dims !== 2) throw new Error('2D only');
  const { phi_n: phiN, phi_d: phiD, k } = instance.fields as Record<string, Float64Array>;
  const n = grid.nx;
  const length = n * grid.hx;
  const { phiMax: a, l } = chromatinDefaults;
  const laplacianD = spectralLaplacian(phiD!, n, n, length);
  const phiH = phiN!.map((v, m) => (1 - v + phiD![m]!) / 2);
  const phiE = phiN!.map((v, m) => (1 - v - phiD![m]!) / 2);
  const muD = phiH.map((p, m) => -phiE[m]! + p * (a - p) * (a - 2 * p) - l * l * laplacianD[m]!);
  const laplacianMu = spectralLaplacian(muD, n, n, length);
  const estimate = phiH.map((p, m) => (p - 0.5 * laplacianMu[m]!) / phiE[m]!);
  const sorted = Float64Array.from(estimate).sort();
  return { mean: fieldMean(estimate), median: sorted[sorted.length >> 1]!, std: fieldStd(estimate), corr: k ? pearson(estimate, k) : NaN };
}

export function comsolInstance(dir: string, tag: string): ProblemInstance {
  const phiN = readComsolField(resolve(dir, `${tag}_phi_n.txt`));
  const phiD = readComsolField(resolve(dir, `${tag}_phi_d.txt`), { periodicEdge: 'drop' });
  const k = readComsolField(resolve(dir, `${tag}_k.txt`), { periodicEdge: 'drop' });
  return { problem: 'rd', case: 'comsol', grid: phiN.grid, fields: { phi_n: phiN.values, phi_d: phiD.values, k: k.values }, parameters: {}, seed: 0 };
}

const f = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const pct = (v: number | undefined) => (v === undefined ? '–' : `${(100 * v).toFixed(1)} %`);

const kernels: Array<{ family: KernelFamily; radius: number }> = [
  { family: 'fd', radius: 2 },
  { family: 'bump', radius: 2 },
  { family: 'bump', radius: 3 },
  { family: 'bump', radius: 4 },
  { family: 'bump', radius: 6 },
  { family: 'bump', radius: 8 },
];

async function estimateRows(instance: ProblemInstance, columns: (s: EstimateSummary) => string[]): Promise<string[]> {
  return Promise.all(kernels.map(async ({ family, radius }) => {
    const s = (await separableEstimate(instance, builtinProblem(instance.problem)!, { family, radius })).summary;
    return `| ${family === 'fd' ? 'raw finite differences (fd)' : family} | ${radius} | ${columns(s).join(' | ')} |`;
  }));
}

function statisticsRow(name: string, s: RdFieldStatistics, extra = ''): string {
  return `| ${name} | ${f(s.meanPhiN, 4)} | ${f(s.ratioHE, 4)} | ${f(s.stdPhiD)} | [${f(s.phiDRange[0], 2)}, ${f(s.phiDRange[1], 2)}] | [${f(s.phiNRange[0], 2)}, ${f(s.phiNRange[1], 2)}] | ${f(s.wavelengthPhiD, 2)} | ${extra} |`;
}

export async function validationMarkdown(comsolDir: string, log: (line: string) => void): Promise<string> {
  const lines: string[] = [
    '# Validation',
    '',
    `Generated ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`mollifier bench validation\` on ${machineDescription()},`,
    `Node ${process.version}, TensorFlow.js wasm (the estimates run the mollifier layer in float32). Estimates are the separable`,
    'estimates (no network): F̂ = v̂′ + v̂, D̂ = −f/∇²û, k̂ = (φ_h − ½∇²μ_d)/φ_e, each node on its own.',
    '`corr` is Pearson with the true parameter, `corr_smoothed` with the truth smoothed by the same kernel.',
    '',
  ];
  const hasComsol = existsSync(resolve(comsolDir, 'k1_const_phi_n.txt'));
  if (hasComsol) {
    log('estimating k on the COMSOL k = 1 files');
    const constant = comsolInstance(comsolDir, 'k1_const');
    lines.push(
      '## Reaction-diffusion on the authors\' COMSOL data',
      '',
      '`mollifier estimate rd --phi-n k1_const_phi_n.txt --phi-d k1_const_phi_d.txt --truth k1_const_k.txt --family F --radius R`',
      '(200×200 periodic nodes after dropping the repeated edge, h = 0.05, periodic boundary).',
      '',
      '### Constant k = 1: mean of the pointwise estimate',
      '',
      '| kernel | radius | mean k̂ | error of the mean | median k̂ | std k̂ |',
      '|---|---|---|---|---|---|',
      ...(await estimateRows(constant, (s) => [f(s.mean), pct(s.mean_rel_err), f(s.median), f(s.std, 2)])),
      (() => {
        const s = spectralRateEstimate(constant);
        return `| spectral (exact periodic derivatives, float64) | – | ${f(s.mean)} | ${pct(Math.abs(s.mean - 1))} | ${f(s.median)} | ${f(s.std, 2)} |`;
      })(),
      '',
      'The mean is within 5 % with the mollifier at small radius. The pointwise estimate is noisy (std ≫ mean): with',
      'l = 0.03 < h = 0.05 the interfaces are narrower than the grid, so the 4th-order term ½∇²μ_d is far larger than the',
      'reaction term node by node, and only its average cancels (∫∇²μ_d = 0 on a periodic domain). The raw finite',
      'differences give a similar mean but a different pointwise spread; the median shows how skewed k̂ is.',
      '',
    );
    log('estimating k on the COMSOL noisy-k files');
    const noisy = comsolInstance(comsolDir, 'k05_lognorm');
    lines.push(
      '### Noisy k (lognormal-like around 0.5, per node)',
      '',
      '| kernel | radius | mean k̂ | true mean | corr | corr_smoothed |',
      '|---|---|---|---|---|---|',
      ...(await estimateRows(noisy, (s) => [f(s.mean), f(s.truth_mean), f(s.corr), f(s.corr_smoothed)])),
      (() => {
        const s = spectralRateEstimate(noisy);
        return `| spectral (exact periodic derivatives, float64) | – | ${f(s.mean)} | ${f(fieldMean(noisy.fields.k!))} | ${f(s.corr)} | – |`;
      })(),
      '',
      'The mean follows the truth within a few per cent, but the pointwise correlation is near zero: the true k has no',
      'spatial correlation (per-node noise with a heavy tail, max ≈ 79) and, on this under-resolved grid, the pointwise',
      'relation of eq 11 holds poorly (an independent 4th-order finite-difference residual is several times the',
      'reaction term, see below). Exact periodic (spectral) derivatives in float64 do only a little better (last row), so',
      'a spatial k map is hardly recoverable from these fields by local differentiation; the trained networks of the',
      'training issue are measured against the truth smoothed at the kernel scale.',
      '',
    );
  } else {
    lines.push(`COMSOL files not found in ${comsolDir}: the COMSOL sections were not computed.`, '');
  }
  log('simulating the chromatin model at k = 1 and 1.5 (128×128)');
  const stats = await rdStatistics({ grid: 128, ks: [1, 1.5], comsolDir });
  lines.push(
    '## The project\'s reaction-diffusion simulator against COMSOL',
    '',
    'Semi-implicit pseudo-spectral steps (dt = 0.05) from a seeded random start around φ_n = 0.5, φ_d = 0, to',
    'max |∂φ/∂t| < 1e-6, on 128×128 nodes of the periodic [0, 10]². The dominant wavelength is 2π/q* of the radially',
    'averaged structure factor of φ_d.',
    '',
    '| data | mean φ_n | ⟨φ_h⟩/⟨φ_e⟩ | std φ_d | range φ_d | range φ_n | wavelength | run |',
    '|---|---|---|---|---|---|---|---|',
    ...stats.simulations.map((s) => statisticsRow(`simulator, k = ${s.k}`, s, `${s.steps} steps, ${s.wallSeconds.toFixed(1)} s, FD residual / reaction ${f(s.relativeFdResidual, 1)}`)),
    ...(stats.comsol ? [statisticsRow('COMSOL, k = 1', stats.comsol, `FD residual / reaction ${f(stats.comsol.relativeFdResidual, 1)}`)] : []),
    '',
  );
  if (stats.comsol) {
    const sim = stats.simulations.find((s) => s.k === 1)!;
    const domain = Math.abs(sim.wavelengthPhiD - stats.comsol.wavelengthPhiD) / stats.comsol.wavelengthPhiD;
    lines.push(`At k = 1 the dominant domain size differs from COMSOL's by ${pct(domain)} (target: within 25 %).`, '');
  }
  log('estimating k on a resolved simulation (l = 0.1 on [0, 5]², 128×128)');
  const resolvedRun = simulateReactionDiffusion({ grid: 128, length: 5, l: 0.1, k: 1, seed: 2 });
  const resolved: ProblemInstance = {
    problem: 'rd', case: 'constant', grid: resolvedRun.grid,
    fields: { phi_n: resolvedRun.phi_n, phi_d: resolvedRun.phi_d, k: resolvedRun.k }, parameters: {}, seed: 2,
  };
  lines.push(
    '## The separable k estimate where the interfaces are resolved',
    '',
    `The same model with l = 0.1 on [0, 5]² at 128×128 (h = 0.039, interfaces span several nodes; ${resolvedRun.steps} steps to steady`,
    'state). Here the pointwise estimate is accurate, which shows the spread on the COMSOL files comes from the data\'s',
    'resolution, not from the estimator.',
    '',
    '| kernel | radius | mean k̂ | error of the mean | median k̂ | std k̂ |',
    '|---|---|---|---|---|---|',
    ...(await Promise.all(kernels.slice(0, 4).map(async ({ family, radius }) => {
      const s = (await separableEstimate(resolved, builtinProblem(resolved.problem)!, { family, radius, constants: { phiMax: chromatinDefaults.phiMax, l: 0.1 } })).summary;
      return `| ${family === 'fd' ? 'raw finite differences (fd)' : family} | ${radius} | ${f(s.mean)} | ${pct(s.mean_rel_err)} | ${f(s.median)} | ${f(s.std, 2)} |`;
    }))),
    '',
  );
  log('estimating D and F on simulated data');
  const heatSmooth = simulateProblem('heat', { case: 'smooth', grid: 64 });
  const heatNoisy = simulateProblem('heat', { case: 'noisy', grid: 64, seed: 1 });
  const langevinVarying = simulateProblem('langevin', { case: 'varying' });
  const langevinNoisy = simulateProblem('langevin', { case: 'varying-noisy', noise: 0.25, seed: 1 });
  const row = async (name: string, instance: ProblemInstance, radius: number) => {
    const s = (await separableEstimate(instance, builtinProblem(instance.problem)!, { radius })).summary;
    return `| ${name} | ${radius} | ${f(s.mean)} | ${f(s.truth_mean)} | ${f(s.corr)} | ${f(s.corr_smoothed)} |`;
  };
  lines.push(
    '## Heat and Langevin on simulated data',
    '',
    '`mollifier simulate heat --case smooth --grid 64 --out h && mollifier estimate heat --data h --radius 4 --out h.json`',
    '',
    '| data | radius | mean | true mean | corr | corr_smoothed |',
    '|---|---|---|---|---|---|',
    await row('heat smooth D, 64×64', heatSmooth, 4),
    await row('heat noisy D (σ = 0.1), 64×64', heatNoisy, 4),
    await row('Langevin varying F, 1001 nodes', langevinVarying, 10),
    await row('Langevin varying + noise (σ = 0.25)', langevinNoisy, 10),
    '',
  );
  return lines.join('\n');
}
