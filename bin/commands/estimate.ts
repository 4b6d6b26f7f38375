// `mollifier estimate <problem>`: the separable estimate of the parameter straight from data, no network.
import type { Command } from 'commander';
import { extname } from 'node:path';
import { separableEstimate, type SeparableEstimate } from '../../mollifier/index.js';
import { gridCoordinates, problemNames, type ProblemInstance } from '../../mollifier/index.js';
import { formatNumber, readComsolField, readInstance } from '../../mollifier/index.js';
import { assertKernelFamily, kernelFamilies } from '../../mollifier/index.js';
import { assertBoundaryMode, boundaryModes } from '../../mollifier/index.js';
import { instanceShapesWith, type TrainingProblem } from '../../mollifier/index.js';
import { parseInteger, parseNumber } from '../parse.js';
import { withMeasurementNoise } from '../../mollifier/index.js';

/** `--radius`: cells (a number ≥ 1) or `auto`. */
function parseRadius(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const radius = Number(value);
  if (!Number.isFinite(radius) || radius < 1) throw new UsageError(`--radius ${value}: a radius in cells (≥ 1) or 'auto'`);
  return radius;
}
import { addProblemsOption, problemNamed } from '../problems.js';
import { UsageError } from '../usage-error.js';
import { checkOutputPath, writeFilesAtomically } from '../output.js';
import { initBackend } from '../../mollifier/index.js';

interface EstimateCliOptions {
  data?: string;
  phiN?: string;
  phiD?: string;
  truth?: string;
  family: string;
  radius: number | 'auto';
  obsNoise: number;
  sample: number;
  seed: number;
  boundary?: string;
  interfaceLength?: number;
  constant: Record<string, number>;
  out: string;
  problems: string[];
}

/** `--constant NAME=VALUE`, repeatable: a constant of the problem's residual. */
function collectConstant(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(value);
  const number = match ? Number(match[2]) : NaN;
  if (!match || !Number.isFinite(number)) throw new UsageError(`--constant ${value}: expected NAME=NUMBER, e.g. phiMax=0.7`);
  return { ...previous, [match[1]!]: number };
}

/** The problem's fields φ_n and φ_d (and its parameter's truth) from COMSOL exports, for a problem with those channels. */
function comsolInstance(options: EstimateCliOptions, problem: TrainingProblem): ProblemInstance {
  if (!(problem.channels.includes('phi_n') && problem.channels.includes('phi_d'))) throw new UsageError(`--phi-n/--phi-d are the fields φ_n and φ_d, which ${problem.name} does not have; use --data DIR`);
  const phiN = readComsolField(options.phiN!);
  const phiD = readComsolField(options.phiD!, { periodicEdge: phiN.droppedPeriodicEdge ? 'drop' : 'keep' });
  const same = (a: typeof phiN.grid, b: typeof phiN.grid) => a.nx === b.nx && a.ny === b.ny && Math.abs(a.hx - b.hx) < 1e-9 && Math.abs(a.hy - b.hy) < 1e-9;
  if (!same(phiN.grid, phiD.grid)) throw new UsageError(`${options.phiD}: its grid ${phiD.grid.nx}×${phiD.grid.ny} does not match ${options.phiN} (${phiN.grid.nx}×${phiN.grid.ny})`);
  const fields: Record<string, Float64Array> = { phi_n: phiN.values, phi_d: phiD.values };
  if (options.truth) {
    // COMSOL's per-node noisy parameter is exported on the same 201×201 nodes but is not itself periodic: drop the
    // repeated grid line whenever the φ fields had one, so the nodes line up.
    const truth = readComsolField(options.truth, { periodicEdge: phiN.droppedPeriodicEdge ? 'drop' : 'keep' });
    if (!same(phiN.grid, truth.grid)) throw new UsageError(`${options.truth}: its grid ${truth.grid.nx}×${truth.grid.ny} does not match ${options.phiN}`);
    fields[problem.parameter] = truth.values;
  }
  return { problem: problem.name, case: 'comsol', grid: phiN.grid, fields, parameters: { source: 'comsol' }, seed: 0 };
}

function estimateCsv(estimate: SeparableEstimate, parameter: string): string {
  const coordinates = gridCoordinates(estimate.grid);
  const names = estimate.grid.dims === 1 ? ['t'] : ['x', 'y'];
  const columns: Array<[string, Float64Array]> = [...names.map((n, i) => [n, coordinates[i]!] as [string, Float64Array]), [`${parameter}_hat`, estimate.values]];
  if (estimate.truth) columns.push([`${parameter}_true`, estimate.truth]);
  if (estimate.truthSmoothed) columns.push([`${parameter}_true_smoothed`, estimate.truthSmoothed]);
  const lines = [columns.map(([n]) => n).join(',')];
  for (let r = 0; r < estimate.values.length; r++) lines.push(columns.map(([, v]) => (Number.isFinite(v[r]!) ? formatNumber(v[r]!) : '')).join(','));
  return `${lines.join('\n')}\n`;
}

export function registerEstimateCommand(program: Command): void {
  addProblemsOption(
    program
      .command('estimate')
      .description('the separable estimate of the unknown parameter straight from data (no network)')
      .argument('<problem>', `${problemNames.join(', ')}, or one of your own (--problems DIR)`)
      .option('--data <dir>', 'a problem instance directory (fields.csv + meta.json), e.g. from `simulate`')
      .option('--phi-n <file>', 'COMSOL export of the field φ_n (problems with channels phi_n and phi_d)')
      .option('--phi-d <file>', 'COMSOL export of the field φ_d')
      .option('--truth <file>', "with --phi-n/--phi-d: COMSOL export of the true parameter, for corr and corr_smoothed")
      .option('--family <name>', `kernel family: ${kernelFamilies.join(', ')} ('fd' = raw finite differences)`, 'bump')
      .option('--radius <cells>', "kernel radius in grid cells, or 'auto': chosen from the data (Lepski's principle; the summary says how)", parseRadius, 4)
      .option('--obs-noise <sigma>', "measurement noise added to the fields first, relative to each field's std (as train's --obs-noise)", parseNumber('--obs-noise'), 0)
      .option('--sample <fraction>', "fraction of nodes observed, in (0, 1] (as train's --sample, the same nodes for a seed); below 1 the fields are filled in by the thin-plate spline through the observations", parseNumber('--sample'), 1)
      .option('--seed <s>', 'seed of the measurement noise and of the observed nodes', parseInteger('--seed'), 0)
      .option('--boundary <mode>', `${boundaryModes.join(', ')} (default periodic on periodic data, else valid)`)
      .option('--interface-length <l>', "the residual's length scale, for a problem with one (default: as the data were simulated, else the problem's)", parseNumber('--interface-length'))
      .option('--constant <name=value>', "a constant of the problem's residual (e.g. phiMax=0.7); repeatable", collectConstant, {} as Record<string, number>)
      .requiredOption('--out <file.json>', 'summary JSON; the estimated field goes to the same name with .csv'),
  ).action(async (name: string, options: EstimateCliOptions) => {
      const fromFiles = options.phiN !== undefined || options.phiD !== undefined;
      if (options.data && fromFiles) throw new UsageError('give either --data or --phi-n/--phi-d, not both');
      if (!options.data && !fromFiles) throw new UsageError('give the data: --data DIR, or --phi-n FILE --phi-d FILE');
      if (fromFiles && (!options.phiN || !options.phiD)) throw new UsageError('--phi-n and --phi-d go together');
      if (options.truth && !fromFiles) throw new UsageError('--truth goes with --phi-n/--phi-d; a --data directory carries its own truth');
      if (extname(options.out) !== '.json') throw new UsageError(`--out ${options.out}: the summary file must end in .json`);
      checkOutputPath(options.out);
      checkOutputPath(`${options.out.slice(0, -'.json'.length)}.csv`);
      const problem = await problemNamed(name, options.problems);
      if (!problem.separable) throw new UsageError(`${problem.name} has no separable estimate: its parameter cannot be solved for node by node (train a network instead)`);
      const given = Object.keys(options.constant).length > 0 || options.interfaceLength !== undefined;
      if (given && !problem.constantsOf) throw new UsageError(`--constant/--interface-length: ${problem.name}'s residual takes no constants`);
      const instance = options.data ? readInstance(options.data, instanceShapesWith([problem])) : comsolInstance(options, problem);
      if (instance.problem !== problem.name) throw new UsageError(`${options.data} holds a ${instance.problem} instance, not ${problem.name}`);
      const constants = problem.constantsOf?.(options.interfaceLength, instance);
      const unknown = Object.keys(options.constant).find((key) => !constants || !(key in constants));
      if (unknown) throw new UsageError(`--constant ${unknown}: ${problem.name}'s residual has the constants ${Object.keys(constants ?? {}).join(', ') || '(none)'}`);
      if (!(options.obsNoise >= 0)) throw new UsageError(`--obs-noise ${options.obsNoise} must be ≥ 0`);
      if (!(options.sample > 0 && options.sample <= 1)) throw new UsageError(`--sample ${options.sample} must be in (0, 1]`);
      if (options.sample < 1 && options.radius === 'auto') throw new UsageError("--radius auto reads the noise from every node's value: it needs --sample 1");
      await initBackend();
      const measured = withMeasurementNoise(instance, problem, options.obsNoise, options.seed, options.sample);
      const estimate = await separableEstimate(measured, problem, {
        family: assertKernelFamily(options.family),
        radius: options.radius,
        ...(options.boundary !== undefined ? { boundary: assertBoundaryMode(options.boundary) } : {}),
        ...(constants ? { constants: { ...constants, ...options.constant } } : {}),
      });
      const csvPath = `${options.out.slice(0, -'.json'.length)}.csv`;
      const source = options.data ? { data: options.data } : { phi_n: options.phiN, phi_d: options.phiD, truth: options.truth ?? null };
      const report = { problem: problem.name, source, ...(options.obsNoise > 0 || options.sample < 1 ? { obs_noise: options.obsNoise, sample: options.sample, seed: options.seed, ...(options.sample < 1 ? { interpolation: 'thin-plate spline' } : {}) } : {}), grid: estimate.grid, field_csv: csvPath, ...estimate.summary };
      writeFilesAtomically([
        { path: options.out, text: `${JSON.stringify(report, null, 2)}\n` },
        { path: csvPath, text: estimateCsv(estimate, estimate.summary.parameter) },
      ]);
      const s = estimate.summary;
      const truth = s.truth_mean !== undefined ? `, truth mean ${s.truth_mean.toPrecision(4)}, corr ${s.corr?.toFixed(3) ?? 'n/a'}, corr_smoothed ${s.corr_smoothed?.toFixed(3) ?? 'n/a'}` : '';
      const chosen = s.radius_choice ? `radius ${s.radius} (auto: noise σ ${s.radius_choice.sigma.toPrecision(3)}), ` : '';
      process.stdout.write(`${problem.name}: ${chosen}${s.parameter} mean ${s.mean.toPrecision(4)}, std ${s.std.toPrecision(3)}${truth}; wrote ${options.out}\n`);
    });
}
