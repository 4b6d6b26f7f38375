// `mollifier train`: one training job, a progress bar on a terminal (pino lines otherwise), result.json.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { extname } from 'node:path';
import { runJob } from '../../mollifier/index.js';
import { builtinProblems, type ProblemDefaults } from '../../mollifier/index.js';
import type { TrainProgress } from '../../mollifier/index.js';
import { logger } from '../../mollifier/core.js';
import { trainOptionsSchema, trainOptionTable, type OptionArgument, type TrainOptionName, type TrainOptions } from '../../protocol/index.js';
import { camelCaseOf, jobConfigOf } from '../../worker/job-config.js';
import { parseBand, parseChoice, parseInteger, parseNumber } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { checkOutputDir, checkOutputPath, writeFilesAtomically } from '../output.js';
import { addProblemsOption, problemNamed } from '../problems.js';
import { weightsFiles } from '../weights-files.js';

interface TrainCliOptions extends Record<string, unknown> {
  out: string;
  weights?: string;
  problems: string[];
}

/** The per-problem defaults of an option, as the built-in problems have them ("P 3000, Q 1000, ..."); yours keep theirs. */
function perProblemDefaults(name: TrainOptionName): string {
  const key = camelCaseOf(name) as keyof ProblemDefaults;
  return Object.values(builtinProblems).map((p) => `${p.name} ${JSON.stringify(p.defaults[key]).replace(/"/g, '')}`).join(', ');
}

function parserOf(name: string, argument: OptionArgument): ((value: string) => unknown) | undefined {
  if (typeof argument === 'object') return parseChoice(`--${name}`, argument.choices);
  if (argument === 'integer') return parseInteger(`--${name}`);
  if (argument === 'integer-or-auto') {
    return (value: string) => {
      if (value === 'auto') return value;
      if (value.trim() === '' || !Number.isInteger(Number(value))) throw new InvalidArgumentError(`--${name} must be an integer or 'auto', got '${value}'`);
      return Number(value);
    };
  }
  if (argument === 'number') return parseNumber(`--${name}`);
  if (argument === 'band') return parseBand(`--${name}`);
  return undefined;
}

/** The train command's job options, one per row of protocol/job-options.ts (help shows the defaults the schema applies). */
function addJobOptions(command: Command): Command {
  for (const [name, row] of Object.entries(trainOptionTable) as Array<[TrainOptionName, (typeof trainOptionTable)[TrainOptionName]]>) {
    const choices = typeof row.argument === 'object' ? `: ${row.argument.choices.join(', ')}` : '';
    const fallback = (row.schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined).data;
    const defaultText = row.perProblem ? ` (default per problem: ${perProblemDefaults(name)})` : fallback !== undefined ? ` (default ${JSON.stringify(fallback)})` : '';
    const option = new Option(`--${name} ${row.placeholder}`, `${row.help}${choices}${defaultText}`);
    const parse = parserOf(name, row.argument);
    if (parse) option.argParser(parse);
    if (name === 'pde') option.makeOptionMandatory();
    command.addOption(option);
  }
  return command;
}

/** The command line's values under their wire names, checked by the one schema (its defaults applied once). */
function trainOptionsOf(options: TrainCliOptions): TrainOptions {
  const wire = Object.fromEntries(Object.keys(trainOptionTable).flatMap((name) => (options[camelCaseOf(name)] === undefined ? [] : [[name, options[camelCaseOf(name)]]])));
  const checked = trainOptionsSchema.safeParse(wire);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw new UsageError(`--${name} ${JSON.stringify(wire[name])}: ${issue.message}`);
  }
  return checked.data;
}

function progressReporter(): { update: (p: TrainProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: 'train [{bar}] {value}/{total} epochs | loss {loss} (data {data}, pde {pde}) | {rate} ep/s | ETA {eta}s', stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update: (p) => {
        const payload = { loss: p.loss.toExponential(2), data: p.lossData.toExponential(2), pde: p.lossPde.toExponential(2), rate: p.rate.toFixed(1) };
        if (!started) (bar.start(p.epochs, p.epoch, payload), (started = true));
        else bar.update(p.epoch, payload);
      },
      stop: () => bar.stop(),
    };
  }
  return { update: (p) => logger().info({ ...p }, `epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toExponential(3)}`), stop: () => undefined };
}

export function registerTrainCommand(program: Command): void {
  addProblemsOption(addJobOptions(program.command('train').description('train a base model with a mollified or autodiff PDE loss and recover the unknown parameter')))
    .requiredOption('--out <result.json>', 'result file')
    .option('--weights <dir>', 'also write the trained weights there: model.json and weights.bin (tfjs weights format)')
    .action(async (options: TrainCliOptions) => {
      if (extname(options.out) !== '.json') throw new UsageError(`--out ${options.out}: the result file must end in .json`);
      checkOutputPath(options.out);
      if (options.weights !== undefined) checkOutputDir(options.weights, '--weights', 'model.json');
      const wire = trainOptionsOf(options);
      const config = { ...jobConfigOf(wire), problem: await problemNamed(wire.pde, options.problems) };
      const progress = progressReporter();
      const { weights, ...result } = await runJob(config, { onProgress: progress.update, keepWeights: options.weights !== undefined }).finally(progress.stop);
      writeFilesAtomically([
        { path: options.out, text: `${JSON.stringify(result)}\n` },
        ...(weights && options.weights !== undefined ? weightsFiles(options.weights, weights, { result: options.out }) : []),
      ]);
      const m = result.metrics;
      // A forward problem's score is its field's error (`u_rel_l2`, ...), where the job reports one.
      const fieldErrors = m ? Object.entries(m).filter(([key, value]) => key.endsWith('_rel_l2') && typeof value === 'number').map(([key, value]) => `${key} ${(value as number).toExponential(3)}, `).join('') : '';
      const summary = m
        ? `${fieldErrors}param mean ${m.param_mean?.toPrecision(4)} (true ${m.param_true_mean?.toPrecision(4) ?? 'n/a'}), corr ${m.param_corr?.toFixed(3) ?? 'n/a'}, corr_smoothed ${m.param_corr_smoothed?.toFixed(3) ?? 'n/a'}, laplacian_corr ${m.laplacian_corr?.toFixed(3) ?? 'n/a'}, ${m.time_s?.toFixed(1)} s`
        : result.reason ?? '';
      process.stdout.write(`${wire.pde} ${wire.model} ${wire.derivatives}: ${result.status}; ${summary}; wrote ${options.out}\n`);
      if (result.status !== 'completed') process.exitCode = 1;
    });
}
