// `mollifier simulate <langevin|heat|rd>`: make a problem instance with its ground truth.
import type { Command } from 'commander';
import { simulateProblem } from '../../mollifier/pdes/simulate.js';
import { problemNames, type ProblemName } from '../../mollifier/pdes/types.js';
import { readParamField, writeInstance } from '../../mollifier/io/index.js';
import { parseChoice, parseInteger, parseNumber } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { fieldMean } from '../../mollifier/metrics/index.js';

interface SimulateCliOptions {
  case?: string;
  noise?: number;
  grid?: number;
  k?: number;
  interfaceLength?: number;
  seed: number;
  paramField?: string;
  out: string;
  tolerance?: number;
  maxSteps?: number;
}

function progressPrinter(): ((step: number, residual: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (step, residual) => process.stderr.write(`\rstep ${step}, max |∂φ/∂t| = ${residual.toExponential(2)}   `);
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate a benchmark problem with known parameter and write it as DIR/fields.csv + DIR/meta.json')
    .argument('<problem>', `one of ${problemNames.join(', ')}`, parseChoice('problem', problemNames))
    .option('--case <name>', 'parameter case: langevin constant|white|varying|varying-noisy; heat constant|smooth|noisy; rd constant|smooth|noisy')
    .option('--noise <sigma>', 'noise level σ of the case (langevin white/varying-noisy, heat noisy)', parseNumber('--noise'))
    .option('--grid <n>', 'nodes (langevin) or nodes per axis (heat, rd)', parseInteger('--grid'))
    .option('--k <value>', 'rd: k of the constant case, the scale of smooth and noisy', parseNumber('--k'))
    .option('--interface-length <l>', 'rd: interface length l of the free energy (default 0.03)', parseNumber('--interface-length'))
    .option('--seed <s>', 'random seed', parseInteger('--seed'), 0)
    .option('--param-field <file>', 'CSV of the parameter per node (t,F | x,y,D | x,y,k): replaces the case and sets the grid')
    .option('--tolerance <value>', 'rd: steady when max |∂φ/∂t| falls below this (default 1e-6)', parseNumber('--tolerance'))
    .option('--max-steps <n>', 'rd: give up after this many time steps (default 40000)', parseInteger('--max-steps'))
    .requiredOption('--out <dir>', 'output directory')
    .action((problem: ProblemName, options: SimulateCliOptions) => {
      if (options.paramField && options.case !== undefined) throw new UsageError('--param-field replaces the case: give one of --case and --param-field');
      if (options.paramField && options.grid !== undefined) throw new UsageError('--param-field sets the grid: give one of --grid and --param-field');
      if (problem !== 'rd' && (options.tolerance !== undefined || options.maxSteps !== undefined)) {
        throw new UsageError('--tolerance and --max-steps apply to rd only');
      }
      const started = performance.now();
      const progress = progressPrinter();
      const instance = simulateProblem(problem, {
        ...(options.case !== undefined ? { case: options.case } : {}),
        ...(options.noise !== undefined ? { noise: options.noise } : {}),
        ...(options.grid !== undefined ? { grid: options.grid } : {}),
        ...(options.k !== undefined ? { k: options.k } : {}),
        ...(options.interfaceLength !== undefined ? { interfaceLength: options.interfaceLength } : {}),
        ...(options.paramField ? { paramField: readParamField(options.paramField, problem) } : {}),
        ...(progress ? { onProgress: progress } : {}),
        reactionDiffusion: {
          ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
          ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
        },
        seed: options.seed,
      });
      if (progress) process.stderr.write('\n');
      writeInstance(options.out, instance);
      const grid = instance.grid.dims === 1 ? `${instance.grid.n} nodes` : `${instance.grid.nx}×${instance.grid.ny}`;
      const parameter = { langevin: 'F', heat: 'D', rd: 'k' }[problem];
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      process.stdout.write(
        `${problem} ${instance.case}, ${grid}, seed ${instance.seed}: mean ${parameter} = ${fieldMean(instance.fields[parameter]!).toPrecision(5)}; ${seconds} s; wrote ${options.out}\n`,
      );
    });
}
