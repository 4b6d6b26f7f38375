// Wall time of the three simulators at the sizes users run (docs/benchmarks.md, "Simulators").
import { simulateProblem } from '../../mollifier/index.js';
import type { ProblemName } from '../../mollifier/index.js';
import { machineDescription } from '../derivatives/report.js';

export interface SimulatorTiming {
  problem: ProblemName;
  case: string;
  grid: string;
  seconds: number;
  steps: number | null;
  residual: number | null;
}

const plan: Array<{ problem: ProblemName; case: string; grid: number; k?: number }> = [
  { problem: 'langevin', case: 'varying-noisy', grid: 1001 },
  { problem: 'langevin', case: 'white', grid: 100001 },
  { problem: 'heat', case: 'smooth', grid: 64 },
  { problem: 'heat', case: 'noisy', grid: 128 },
  { problem: 'heat', case: 'smooth', grid: 256 },
  { problem: 'rd', case: 'constant', grid: 64, k: 1 },
  { problem: 'rd', case: 'constant', grid: 128, k: 1 },
  { problem: 'rd', case: 'constant', grid: 128, k: 1.5 },
  { problem: 'rd', case: 'smooth', grid: 128 },
];

export function timeSimulators(log: (line: string) => void, quick = false): SimulatorTiming[] {
  const rows: SimulatorTiming[] = [];
  for (const item of quick ? plan.filter((p) => p.grid <= 64 || p.problem === 'langevin') : plan) {
    const start = performance.now();
    const instance = simulateProblem(item.problem, { case: item.case, grid: item.grid, seed: 1, ...(item.k !== undefined ? { k: item.k } : {}) });
    const seconds = (performance.now() - start) / 1000;
    const grid = instance.grid.dims === 1 ? `${instance.grid.n}` : `${instance.grid.nx}×${instance.grid.ny}`;
    const steps = typeof instance.parameters.steps === 'number' ? instance.parameters.steps : null;
    const residual = typeof instance.parameters.residual === 'number' ? instance.parameters.residual : null;
    rows.push({ problem: item.problem, case: `${item.case}${item.k !== undefined ? ` k=${item.k}` : ''}`, grid, seconds, steps, residual });
    log(`${item.problem} ${item.case} ${grid}: ${seconds.toFixed(2)} s${steps ? `, ${steps} steps` : ''}`);
  }
  return rows;
}

export function simulatorMarkdown(rows: SimulatorTiming[], command: string, date: Date): string {
  return [
    '## Simulators',
    '',
    `Measured ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` on ${machineDescription()}, Node ${process.version}, one thread.`,
    'Langevin: exact step; heat: sine-transform Poisson solve (5-point); rd: semi-implicit pseudo-spectral steps to max |∂φ/∂t| < 1e-6.',
    '',
    '| problem | case | grid | wall time (s) | time steps | final max abs dphi/dt |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.problem} | ${r.case} | ${r.grid} | ${r.seconds.toFixed(2)} | ${r.steps ?? '–'} | ${r.residual === null ? '–' : r.residual.toExponential(1)} |`),
    '',
  ].join('\n');
}
