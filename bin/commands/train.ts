// `mollifier train`: one training job, a progress bar on a terminal (pino lines otherwise), result.json.
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { extname } from 'node:path';
import { runJob, jobDefaults, type JobConfig } from '../../mollifier/training/job.js';
import { modelNames, modelPresets, type ModelName, type ModelPreset } from '../../mollifier/models/types.js';
import { problemNames, type ProblemName } from '../../mollifier/pdes/types.js';
import { derivativeMethods, type DerivativeMethod, type TrainProgress } from '../../mollifier/training/train.js';
import { assertKernelFamily, kernelFamilies } from '../../mollifier/kernels/index.js';
import { boundaryModes, type BoundaryMode } from '../../mollifier/layer/index.js';
import { logger } from '../../mollifier/log.js';
import { parseBand, parseChoice, parseInteger, parseNumber } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { checkOutputPath, writeFilesAtomically } from '../output.js';

interface TrainCliOptions {
  pde: ProblemName;
  model: ModelName;
  derivatives: DerivativeMethod;
  family: string;
  radius: number;
  boundary?: BoundaryMode;
  case?: string;
  noise?: number;
  obsNoise: number;
  grid?: number;
  k?: number;
  interfaceLength?: number;
  sample: number;
  epochs?: number;
  lr: number;
  seed: number;
  preset: ModelPreset;
  estimate: 'separable' | 'direct';
  pdeWarmup?: number;
  fourierBand?: [number, number];
  fourierCount?: number;
  collocationBatch?: number;
  paramField?: string;
  data?: string;
  phiN?: string;
  phiD?: string;
  out: string;
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
  program
    .command('train')
    .description('train a base model with a mollified or autodiff PDE loss and recover the unknown parameter')
    .requiredOption('--pde <name>', problemNames.join(', '), parseChoice('--pde', problemNames))
    .option('--model <name>', modelNames.join(', '), parseChoice('--model', modelNames), 'pinn')
    .option('--derivatives <method>', derivativeMethods.join(', '), parseChoice('--derivatives', derivativeMethods), 'mollifier')
    .option('--family <name>', kernelFamilies.join(', '), 'bump')
    .option('--radius <cells>', 'kernel radius in grid cells', parseInteger('--radius'), 4)
    .option('--boundary <mode>', `${boundaryModes.join(', ')} (default periodic on periodic data, else valid)`, parseChoice('--boundary', boundaryModes))
    .option('--case <name>', 'parameter case of the simulated data')
    .option('--noise <sigma>', 'noise level of the case (langevin white/varying-noisy, heat noisy)', parseNumber('--noise'))
    .option('--obs-noise <sigma>', 'measurement noise on the observed field, relative to its std', parseNumber('--obs-noise'), 0)
    .option('--grid <n>', 'nodes (langevin) or nodes per axis (heat, rd)', parseInteger('--grid'))
    .option('--k <value>', 'rd: k of the constant case, the scale of the others', parseNumber('--k'))
    .option('--interface-length <l>', 'rd: interface length l of the data and the residual (default 0.03, or as the data were simulated)', parseNumber('--interface-length'))
    .option('--sample <fraction>', 'fraction of nodes observed, in (0, 1]', parseNumber('--sample'), 0.1)
    .option('--epochs <n>', 'training steps (default per problem)', parseInteger('--epochs'))
    .option('--lr <value>', 'initial learning rate', parseNumber('--lr'), 1e-3)
    .option('--seed <s>', 'seed of data, sampling and initialisation', parseInteger('--seed'), 0)
    .option('--preset <name>', modelPresets.join(', '), parseChoice('--preset', modelPresets), 'cpu')
    .option('--estimate <kind>', 'the estimate scored by the metrics: separable or direct', parseChoice('--estimate', ['separable', 'direct'] as const), 'separable')
    .option('--pde-warmup <fraction>', 'fraction of the epochs over which the PDE weight ramps in, in [0, 1) (default per problem)', parseNumber('--pde-warmup'))
    .option('--fourier-band <min,max>', 'pinn: Fourier frequencies on [-1, 1] coordinates, in units of π (default per problem)', parseBand('--fourier-band'))
    .option('--fourier-count <n>', 'pinn: Fourier frequencies per coordinate (default per problem)', parseInteger('--fourier-count'))
    .option('--collocation-batch <n>', 'autodiff: collocation nodes per step (default all interior nodes up to 1024; rd 64)', parseInteger('--collocation-batch'))
    .option('--param-field <file>', 'CSV of the true parameter per node: simulate data with it')
    .option('--data <dir>', 'train on a problem instance directory instead of simulating')
    .option('--phi-n <file>', 'rd: COMSOL export of φ_n to train on')
    .option('--phi-d <file>', 'rd: COMSOL export of φ_d to train on')
    .requiredOption('--out <result.json>', 'result file')
    .action(async (options: TrainCliOptions) => {
      if (extname(options.out) !== '.json') throw new UsageError(`--out ${options.out}: the result file must end in .json`);
      checkOutputPath(options.out);
      const config: JobConfig = {
        pde: options.pde,
        model: options.model,
        derivatives: options.derivatives,
        family: assertKernelFamily(options.family),
        radius: options.radius,
        boundary: options.boundary,
        case: options.case,
        noise: options.noise,
        obsNoise: options.obsNoise,
        grid: options.grid,
        k: options.k,
        interfaceLength: options.interfaceLength,
        sample: options.sample,
        epochs: options.epochs ?? jobDefaults[options.pde].epochs,
        lr: options.lr,
        seed: options.seed,
        preset: options.preset,
        estimate: options.estimate,
        pdeWarmup: options.pdeWarmup,
        fourierBand: options.fourierBand,
        fourierCount: options.fourierCount,
        collocationBatch: options.collocationBatch,
        paramField: options.paramField,
        data: options.data,
        phiN: options.phiN,
        phiD: options.phiD,
      };
      const progress = progressReporter();
      const result = await runJob(config, { onProgress: progress.update }).finally(progress.stop);
      writeFilesAtomically([{ path: options.out, text: `${JSON.stringify(result)}\n` }]);
      const m = result.metrics;
      const summary = m
        ? `param mean ${m.param_mean?.toPrecision(4)} (true ${m.param_true_mean?.toPrecision(4) ?? 'n/a'}), corr ${m.param_corr?.toFixed(3) ?? 'n/a'}, corr_smoothed ${m.param_corr_smoothed?.toFixed(3) ?? 'n/a'}, laplacian_corr ${m.laplacian_corr?.toFixed(3) ?? 'n/a'}, ${m.time_s?.toFixed(1)} s`
        : result.reason ?? '';
      process.stdout.write(`${options.pde} ${options.model} ${options.derivatives}: ${result.status}; ${summary}; wrote ${options.out}\n`);
      if (result.status !== 'completed') process.exitCode = 1;
    });
}
