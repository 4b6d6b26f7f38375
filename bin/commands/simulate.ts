// `mollifier simulate <problem>`: make a problem instance with its ground truth, by the problem's own simulator.
import type { Command } from 'commander';
import { problemNames } from '../../mollifier/index.js';
import { readParamField, writeInstance } from '../../mollifier/index.js';
import { instanceShapesWith } from '../../mollifier/index.js';
import { parseInteger, parseNumber } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { fieldMean } from '../../mollifier/index.js';
import { addProblemsOption, problemNamed } from '../problems.js';
import { builtinProblems } from '../../mollifier/index.js';

/** Every case the built-in simulators offer ("P a|b; Q c|d"). */
const builtinCasesText = (): string => Object.values(builtinProblems).map((p) => `${p.name} ${(p.cases ?? []).join('|')}`).join('; ');

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
  problems: string[];
}

function progressPrinter(): ((step: number, residual: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (step, residual) => process.stderr.write(`\rstep ${step}, max |∂φ/∂t| = ${residual.toExponential(2)}   `);
}

export function registerSimulateCommand(program: Command): void {
  addProblemsOption(
    program
      .command('simulate')
      .description('simulate a problem with known parameter and write it as DIR/fields.csv + DIR/meta.json')
      .argument('<problem>', `${problemNames.join(', ')}, or one of your own (--problems DIR)`)
      .option('--case <name>', `parameter case (${builtinCasesText()}; a problem of your own: its cases)`)
      .option('--noise <sigma>', 'noise level σ of the case, for the cases that have one', parseNumber('--noise'))
      .option('--grid <n>', 'nodes (1D) or nodes per axis (2D)', parseInteger('--grid'))
      .option('--k <value>', 'the reaction rate of the constant case, the scale of the others (for a simulator with one)', parseNumber('--k'))
      .option('--interface-length <l>', 'the length scale of the model, for a problem with one', parseNumber('--interface-length'))
      .option('--seed <s>', 'random seed', parseInteger('--seed'), 0)
      .option('--param-field <file>', "CSV of the parameter per node (t,NAME in 1D, x,y,NAME in 2D; NAME the problem's parameter): replaces the case and sets the grid")
      .option('--tolerance <value>', 'time-stepping simulators: steady when max |∂φ/∂t| falls below this', parseNumber('--tolerance'))
      .option('--max-steps <n>', 'time-stepping simulators: give up after this many time steps', parseInteger('--max-steps'))
      .requiredOption('--out <dir>', 'output directory'),
  ).action(async (name: string, options: SimulateCliOptions) => {
      if (options.paramField && options.case !== undefined) throw new UsageError('--param-field replaces the case: give one of --case and --param-field');
      if (options.paramField && options.grid !== undefined) throw new UsageError('--param-field sets the grid: give one of --grid and --param-field');
      const problem = await problemNamed(name, options.problems);
      const started = performance.now();
      const progress = progressPrinter();
      const stepping = {
        ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
        ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      };
      const instance = problem.simulate({
        ...(options.case !== undefined ? { case: options.case } : {}),
        ...(options.noise !== undefined ? { noise: options.noise } : {}),
        ...(options.grid !== undefined ? { grid: options.grid } : {}),
        ...(options.k !== undefined ? { k: options.k } : {}),
        ...(options.interfaceLength !== undefined ? { interfaceLength: options.interfaceLength } : {}),
        ...(options.paramField ? { paramField: readParamField(options.paramField, problem) } : {}),
        ...(progress ? { onProgress: progress } : {}),
        ...(Object.keys(stepping).length ? { reactionDiffusion: stepping } : {}),
        seed: options.seed,
      });
      if (progress) process.stderr.write('\n');
      writeInstance(options.out, instance, instanceShapesWith([problem]));
      const grid = instance.grid.dims === 1 ? `${instance.grid.n} nodes` : `${instance.grid.nx}×${instance.grid.ny}`;
      const parameter = problem.parameter;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      process.stdout.write(
        `${problem.name} ${instance.case}, ${grid}, seed ${instance.seed}: mean ${parameter} = ${fieldMean(instance.fields[parameter]!).toPrecision(5)}; ${seconds} s; wrote ${options.out}\n`,
      );
    });
}
