// Statistics of the chromatin reaction-diffusion simulator's steady states next to those of the authors' COMSOL
// k = 1 steady state. Run: `npx tsc -p . && node dist/bench/rd-statistics.js` (≈ 30 s).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { simulateReactionDiffusion, structureFactorWavelength, reactionDiffusionResidualFloat64 } from '../mollifier/index.js';
import type { Grid2d } from '../mollifier/index.js';
import { readComsolField } from '../mollifier/index.js';

export interface RdFieldStatistics {
  meanPhiN: number;
  /** ⟨φ_h⟩/⟨φ_e⟩ (= k at a constant-k steady state). */
  ratioHE: number;
  stdPhiD: number;
  phiDRange: [number, number];
  phiNRange: [number, number];
  /** 2π/q* of the radially averaged structure factor of φ_d and of φ_n. */
  wavelengthPhiD: number;
  wavelengthPhiN: number;
  /** max |FD residual of eq 11| / max |2(kφ_e − φ_h)| (4th-order differences, at this grid). */
  relativeFdResidual: number;
}

export interface RdSimulationStatistics extends RdFieldStatistics {
  source: 'simulator';
  k: number;
  grid: number;
  steps: number;
  wallSeconds: number;
  converged: boolean;
  residual: number;
}

export interface RdComsolStatistics extends RdFieldStatistics {
  source: 'comsol';
  k: number;
  grid: number;
  files: string[];
}

export interface RdStatistics {
  simulations: RdSimulationStatistics[];
  /** null when the COMSOL files are absent (with `comsolNote` saying where they were looked for). */
  comsol: RdComsolStatistics | null;
  comsolNote?: string;
}

export function fieldStatistics(phiN: Float64Array, phiD: Float64Array, k: number, grid: Grid2d): RdFieldStatistics {
  const size = phiN.length;
  let sumN = 0, sumH = 0, sumE = 0, sumD = 0, sumD2 = 0;
  let minD = Infinity, maxD = -Infinity, minN = Infinity, maxN = -Infinity;
  for (let m = 0; m < size; m++) {
    const n = phiN[m]!;
    const d = phiD[m]!;
    sumN += n;
    sumH += 0.5 * (1 - n + d);
    sumE += 0.5 * (1 - n - d);
    sumD += d;
    sumD2 += d * d;
    minD = Math.min(minD, d); maxD = Math.max(maxD, d);
    minN = Math.min(minN, n); maxN = Math.max(maxN, n);
  }
  const meanD = sumD / size;
  const terms = reactionDiffusionResidualFloat64(phiN, phiD, k, grid);
  let maxRes = 0, maxReaction = 0;
  for (let m = 0; m < size; m++) {
    maxRes = Math.max(maxRes, Math.abs(terms.residual[m]!));
    maxReaction = Math.max(maxReaction, Math.abs(terms.reaction[m]!));
  }
  return {
    meanPhiN: sumN / size,
    ratioHE: sumH / sumE,
    stdPhiD: Math.sqrt(Math.max(0, sumD2 / size - meanD * meanD)),
    phiDRange: [minD, maxD],
    phiNRange: [minN, maxN],
    wavelengthPhiD: structureFactorWavelength(phiD, grid),
    wavelengthPhiN: structureFactorWavelength(phiN, grid),
    relativeFdResidual: maxRes / maxReaction,
  };
}

export interface RdStatisticsOptions {
  grid?: number;
  ks?: number[];
  seed?: number;
  /** Folder of the COMSOL exports (default ../shared/data/comsol from the working directory). */
  comsolDir?: string;
}

export async function rdStatistics(options: RdStatisticsOptions = {}): Promise<RdStatistics> {
  const grid = options.grid ?? 128;
  const simulations: RdSimulationStatistics[] = [];
  for (const k of options.ks ?? [1, 1.5]) {
    const start = performance.now();
    const run = simulateReactionDiffusion({ grid, length: 10, k, seed: options.seed ?? 0 });
    const wallSeconds = (performance.now() - start) / 1000;
    simulations.push({
      source: 'simulator',
      k,
      grid,
      steps: run.steps,
      wallSeconds,
      converged: run.converged,
      residual: run.residual,
      ...fieldStatistics(run.phi_n, run.phi_d, k, run.grid),
    });
  }
  const dir = options.comsolDir ?? resolve(process.cwd(), '../shared/data/comsol');
  const files = ['k1_const_phi_n.txt', 'k1_const_phi_d.txt'].map((f) => resolve(dir, f));
  if (!files.every((f) => existsSync(f))) {
    return { simulations, comsol: null, comsolNote: `COMSOL files absent from ${dir}` };
  }
  const [n, d] = [readComsolField(files[0]!), readComsolField(files[1]!)];
  return {
    simulations,
    comsol: { source: 'comsol', k: 1, grid: n!.grid.nx, files, ...fieldStatistics(n!.values, d!.values, 1, n!.grid) },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await rdStatistics(), null, 2));
}
