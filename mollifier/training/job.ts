// One training job as data in, result out: what `mollifier train` runs and what a sweep's worker runs.
// A job is plain options (validated), never code.
import { tf } from '../backend/tf.js';
import { describeNative, initBackend, nativeCallCounts, type NativeCallCounts } from '../backend/index.js';
import { assertBoundaryMode, type BoundaryMode } from '../layer/index.js';
import { assertKernelFamily, type KernelFamily } from '../kernels/index.js';
import { createModel } from '../models/index.js';
import { modelNames, modelPresets, type FieldModel, type ModelName, type ModelPreset } from '../models/types.js';
import { builtinProblem, builtinProblems, type ProblemDefaults, type TrainingProblem } from '../problems/index.js';
import { cropField } from '../pdes/grid-ops.js';
import { logger } from '../log.js';
import { gridCoordinates, problemNames, ProblemError, type Grid, type ProblemInstance, type ProblemName } from '../pdes/types.js';
import { jobMetrics, smoothField, type JobMetrics } from '../metrics/index.js';
import { assertFraction, defaultObservedFraction } from '../pdes/observation.js';
import { trainingData, type TrainingData } from './data.js';
import { modelWeights, type ModelWeights } from './weights.js';
import { chooseRadius } from '../problems/radius-choice.js';
import { withMeasurementNoise } from '../problems/estimate.js';
import { loadInstance, machine, trueFields, trueLaplacian, versions, type MachineInfo } from './job-inputs.js';
import { noNetworkModel, runNoNetwork } from './no-network.js';
import { derivativeMethods, train, type DerivativeMethod, type LossHistory, type TrainProgress } from './train.js';

export interface JobConfig {
  /** The problem by name: a built-in one, or `problem.name`. */
  pde: string;
  /** A problem of your own, as a value (problems/types.ts); a job message never carries one, the worker loads it. */
  problem?: TrainingProblem | undefined;
  /** A base architecture, or 'none': the no-network baseline (no-network.ts), the separable estimate on the data. */
  model: ModelName | typeof noNetworkModel;
  derivatives: DerivativeMethod;
  family: KernelFamily;
  /** Cells, or 'auto': chosen from the observed data before training (problems/radius-choice.ts; needs sample 1). */
  radius: number | 'auto';
  boundary?: BoundaryMode | undefined;
  /** Parameter case of the simulated data (ignored with data files). */
  case?: string | undefined;
  /** Noise level σ of the case (the problem's simulator says which cases have one). */
  noise?: number | undefined;
  /** Additive measurement noise on the observed field, relative to its standard deviation. */
  obsNoise: number;
  grid?: number | undefined;
  /** The reaction rate of a constant case, the scale of the others (for a simulator that has one). */
  k?: number | undefined;
  /**
   * The length scale of the simulated data and of the residual, for a problem with one (its constantsOf). With data
   * files, the residual's; a simulate directory that recorded its own must agree.
   */
  interfaceLength?: number | undefined;
  /** Fraction of nodes observed. */
  sample: number;
  /** Training steps (default per problem, jobDefaults). */
  epochs?: number | undefined;
  lr: number;
  seed: number;
  preset: ModelPreset;
  /** Which estimate the metrics score: the separable one (as the paper; the default where the problem has one) or the λ-head. */
  estimate?: 'separable' | 'direct' | undefined;
  /** Fraction of the epochs over which the PDE weight ramps from 0 to 1 (default per problem, jobDefaults). */
  pdeWarmup?: number | undefined;
  /** PINN Fourier band on the [-1, 1]-scaled coordinates, in units of π: [min, max] (default per problem). */
  fourierBand?: [number, number] | undefined;
  /** PINN Fourier frequencies per coordinate (default per problem). */
  fourierCount?: number | undefined;
  /** Autodiff: collocation nodes per step (default per problem). */
  collocationBatch?: number | undefined;
  paramField?: string | undefined;
  data?: string | undefined;
  phiN?: string | undefined;
  phiD?: string | undefined;
  /** With phiN/phiD: a COMSOL export of the true parameter, to score against. */
  truth?: string | undefined;
}

/** The per-problem defaults of the built-in problems (each problem value holds its own: problems/*.ts). */
export const jobDefaults = Object.fromEntries(Object.entries(builtinProblems).map(([name, problem]) => [name, problem.defaults])) as Record<ProblemName, ProblemDefaults>;

/** The job's problem, as a value: the one it brings, else the built-in one of its name. */
export function problemOf(config: JobConfig): TrainingProblem {
  if (config.problem) {
    if (config.pde !== config.problem.name) throw new ProblemError(`pde '${config.pde}' is not the name of the problem given with it ('${config.problem.name}')`);
    return config.problem;
  }
  const problem = builtinProblem(config.pde);
  if (!problem) throw new ProblemError(`pde '${config.pde}' is not a built-in problem (${problemNames.join(', ')}): give your own as JobConfig.problem, or load it with --problems DIR`);
  return problem;
}

/** [choice] The field head's initial weights are scaled by this (without it the field head starts far from the data's scale). */
export const initialFieldHeadScale = 0.1;

/** A job with every per-problem default filled in (resolveJob): what it actually runs with. */
export type ResolvedJobConfig = Omit<JobConfig, 'problem'> & {
  estimate: 'separable' | 'direct';
  epochs: number;
  pdeWarmup: number;
  fourierBand: [number, number];
  fourierCount: number;
  collocationBatch: number;
};

/** The per-problem defaults applied, once: everything below reads the resolved configuration. */
export function resolveJob(config: JobConfig): ResolvedJobConfig {
  const problem = problemOf(config);
  const defaults = problem.defaults;
  const simulated = config.data === undefined && config.phiN === undefined && config.paramField === undefined;
  const { problem: _value, ...options } = config;
  return {
    ...options,
    estimate: config.estimate ?? (problem.separable ? 'separable' : 'direct'),
    ...(simulated ? { case: config.case ?? defaults.case, grid: config.grid ?? defaults.grid } : {}),
    epochs: config.epochs ?? defaults.epochs,
    pdeWarmup: config.pdeWarmup ?? defaults.pdeWarmup,
    fourierBand: config.fourierBand ?? defaults.fourierBand,
    fourierCount: config.fourierCount ?? defaults.fourierCount,
    collocationBatch: config.collocationBatch ?? defaults.collocationBatch,
  };
}

export interface JobResult {
  /** The job as it ran: the given options with every default filled in. */
  config: ResolvedJobConfig;
  status: 'completed' | 'diverged' | 'failed';
  reason?: string;
  metrics: (JobMetrics & FieldErrors & { estimate: string; radius: number; radius_noise_sigma?: number; direct: Pick<JobMetrics, 'param_corr' | 'param_corr_smoothed' | 'param_mean' | 'param_mean_rel_err'>; machine: MachineInfo; kernels: KernelsInfo }) | null;
  model: Record<string, number | string | boolean>;
  fields: {
    grid: Grid;
    /** Coordinates of the estimate nodes: t, or x and y. */
    coordinates: number[][];
    /** The parameter's name in the problem (D, k, F, ...). */
    parameter_name: string;
    /** The estimate the metrics score (config.estimate). */
    parameter: number[];
    parameter_separable: number[] | null;
    parameter_direct: number[];
    parameter_true: number[] | null;
    field: Record<string, number[]>;
    /** Each channel's field as the instance holds it, on the same nodes: noise-free for simulated data, the measured image for real data. */
    field_true: Record<string, number[]>;
    laplacian: number[] | null;
    laplacian_true: number[] | null;
  } | null;
  /** The losses along training (every ⌈epochs / 200⌉ epochs, the first and the last); null if training never ran. */
  history: LossHistory | null;
  /** The final weights, when asked for (RunJobOptions.keepWeights) and training completed. */
  weights?: ModelWeights;
}

/**
 * A forward problem's score (its parameter is known, its field is the answer): per channel c, `c_rel_l2` =
 * ‖û − u‖₂ / ‖u‖₂ over the estimate nodes, the field as the job predicts it against the instance's (docs/forward.md).
 */
export type FieldErrors = { [metric: `${string}_rel_l2`]: number | null };

function fieldErrors(channels: readonly string[], predicted: readonly Float64Array[], truth: Record<string, number[]>): FieldErrors {
  return Object.fromEntries(
    channels.map((name, c) => {
      const [p, t] = [predicted[c]!, truth[name]!];
      let [error, norm] = [0, 0];
      for (let i = 0; i < t.length; i++) [error, norm] = [error + (p[i]! - t[i]!) ** 2, norm + t[i]! ** 2];
      const value = Math.sqrt(error / norm);
      return [`${name}_rel_l2`, Number.isFinite(value) ? value : null];
    }),
  );
}

function choose<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new ProblemError(`${name} '${value}' is not one of ${choices.join(', ')}`);
  return value as T;
}

/** Check a job's options; every message names the bad value. */
export function validateJob(config: JobConfig): JobConfig {
  const problem = problemOf(config);
  choose('model', config.model, [...modelNames, noNetworkModel]);
  choose('derivatives', config.derivatives, derivativeMethods);
  choose('preset', config.preset, modelPresets);
  if (config.estimate !== undefined) choose('estimate', config.estimate, ['separable', 'direct'] as const);
  if (config.estimate === 'separable' && !problem.separable) throw new ProblemError(`estimate 'separable': ${problem.name} has no separable estimate; score the parameter head with estimate 'direct'`);
  assertKernelFamily(config.family);
  if (config.boundary !== undefined) assertBoundaryMode(config.boundary);
  if (config.epochs !== undefined && !(Number.isInteger(config.epochs) && config.epochs > 0)) throw new ProblemError(`epochs ${config.epochs} must be an integer > 0`);
  if (config.radius === 'auto') {
    if (config.sample !== 1) throw new ProblemError(`radius 'auto' reads the noise from every node's value: it needs sample 1, not ${config.sample} (or give a radius in cells)`);
  } else if (!Number.isInteger(config.radius) || config.radius < 1) throw new ProblemError(`radius ${config.radius} must be an integer ≥ 1`);
  assertFraction(config.sample);
  if (!(config.lr > 0)) throw new ProblemError(`lr ${config.lr} must be > 0`);
  if (config.interfaceLength !== undefined && !problem.constantsOf) throw new ProblemError(`--interface-length does not apply to ${config.pde}: its residual has no length scale`);
  if (config.interfaceLength !== undefined && !(config.interfaceLength > 0 && Number.isFinite(config.interfaceLength))) throw new ProblemError(`interface length ${config.interfaceLength} must be > 0`);
  if (config.pdeWarmup !== undefined && !(config.pdeWarmup >= 0 && config.pdeWarmup < 1)) throw new ProblemError(`pde warm-up ${config.pdeWarmup} must be in [0, 1)`);
  if (config.fourierBand !== undefined) {
    const [low, high] = config.fourierBand;
    if (!(Number.isFinite(low) && Number.isFinite(high) && low > 0 && low <= high)) throw new ProblemError(`fourier band [${low}, ${high}] must be finite with 0 < min ≤ max`);
  }
  if (config.collocationBatch !== undefined && !(Number.isInteger(config.collocationBatch) && config.collocationBatch >= 1)) throw new ProblemError(`collocation batch ${config.collocationBatch} must be an integer ≥ 1`);
  if (config.fourierCount !== undefined && !(Number.isInteger(config.fourierCount) && config.fourierCount >= 1)) throw new ProblemError(`fourier count ${config.fourierCount} must be an integer ≥ 1`);
  if (!(config.obsNoise >= 0)) throw new ProblemError(`measurement noise ${config.obsNoise} must be ≥ 0`);
  const fromFiles = config.data !== undefined || config.phiN !== undefined || config.phiD !== undefined;
  if (fromFiles && config.paramField) throw new ProblemError('--param-field makes simulated data; it cannot go with --data or --phi-n/--phi-d');
  if ((config.phiN === undefined) !== (config.phiD === undefined)) throw new ProblemError('--phi-n and --phi-d go together');
  if (config.truth !== undefined && config.phiN === undefined) throw new ProblemError('--truth scores COMSOL data: it goes with --phi-n and --phi-d');
  if (config.phiN !== undefined && !(problem.channels.includes('phi_n') && problem.channels.includes('phi_d'))) throw new ProblemError(`--phi-n/--phi-d are the fields φ_n and φ_d, which ${config.pde} does not have`);
  // A forward problem observes the nodes it names (problems/types.ts ForwardProblem): a sampled fraction would be
  // silently ignored, so only the shared default passes (a job's options carry it either way).
  if (problem.forward && config.sample !== defaultObservedFraction) throw new ProblemError(`--sample ${config.sample} does not apply to ${problem.name}: a forward problem observes only the nodes it names (its initial condition)`);
  const network = config.model === 'pinn' ? problem.defaults.pinn : undefined;
  if (network && !network.fourier && (config.fourierBand !== undefined || config.fourierCount !== undefined)) {
    throw new ProblemError(`--fourier-band/--fourier-count do not apply to ${problem.name}'s pinn: its network (the problem's defaults) has no Fourier features`);
  }
  return config;
}

/** Which kernels computed the job: the native ones on wasm (mollifier/backend/native/) or why not, and their calls. */
export interface KernelsInfo {
  backend: string;
  /** 'on (OpenBLAS 0.3.21: 6 kernels)', 'off (MOLLIFIER_NATIVE=0)', 'not built: <reason>'; absent off wasm. */
  native?: string;
  /** Calls of each native kernel during this job (native: done natively; fallback: passed to the wasm kernel). */
  calls?: NativeCallCounts;
}

function callsSince(before: NativeCallCounts): NativeCallCounts {
  const calls: NativeCallCounts = {};
  for (const [name, now] of Object.entries(nativeCallCounts())) {
    const was = before[name] ?? { native: 0, fallback: 0 };
    if (now.native > was.native || now.fallback > was.fallback) calls[name] = { native: now.native - was.native, fallback: now.fallback - was.fallback };
  }
  return calls;
}

/** PirateNet's physics-informed start: fit its output layer to the observed field (in the trainer's units). */
async function initialiseFromObservations(model: FieldModel, data: TrainingData): Promise<void> {
  const channels = data.channels.length;
  const points = new Float32Array(data.observed.length * data.dims);
  const targets = new Float32Array(data.observed.length * channels);
  data.observed.forEach((node, i) => {
    points.set(data.coordinates.subarray(node * data.dims, node * data.dims + data.dims), i * data.dims);
    for (let c = 0; c < channels; c++) targets[i * channels + c] = (data.targets[node * channels + c]! - data.channelMean[c]!) / data.channelScale[c]!;
  });
  const x = tf.tensor2d(points, [data.observed.length, data.dims]);
  const y = tf.tensor2d(targets, [data.observed.length, channels]);
  try {
    await model.initialise!(x, y);
  } finally {
    tf.dispose([x, y]);
  }
}

export interface RunJobOptions {
  onProgress?: (progress: TrainProgress) => void;
  /** Keep the trained model's weights in the result (`weights`; tfjs's weights format, training/weights.ts). */
  keepWeights?: boolean;
  /**
   * Weight of the PDE term (default 1). Not a job option: 0 is the ablation that shows what the physics adds (the
   * recovery tests, test/recovery.test.ts, check that recovery fails without it).
   */
  pdeWeight?: number;
}

export async function runJob(given: JobConfig, options: RunJobOptions = {}): Promise<JobResult> {
  const problem = problemOf(validateJob(given));
  const config = resolveJob(given);
  const backend = await initBackend();
  const instance = loadInstance(config, problem);
  if (instance.problem !== problem.name) throw new ProblemError(`the ${problem.name} simulator made a '${instance.problem}' instance; its instances must name their problem`);
  if (config.model === noNetworkModel) return runNoNetwork(config, problem, instance, backend);
  const data = trainingData(instance, { sample: config.sample, noise: config.obsNoise, seed: config.seed, problem });
  const fourier = { band: config.fourierBand, count: config.fourierCount };
  // The problem's own PINN network, where its defaults name one (problems/types.ts PinnNetwork), replaces the preset.
  const network = config.model === 'pinn' ? problem.defaults.pinn : undefined;
  const model = createModel(config.model, {
    inputDim: data.dims,
    fieldChannels: data.channels.length,
    preset: config.preset,
    seed: config.seed,
    bounds: data.bounds,
    fieldHeadScale: initialFieldHeadScale,
    fourier: network && !network.fourier ? null : { count: fourier.count, minFrequency: Math.PI * fourier.band[0], maxFrequency: Math.PI * fourier.band[1] },
    ...(network ? { width: network.width, depth: network.depth, activation: network.activation, layerNorm: network.layerNorm, residual: network.residual } : {}),
  });
  if (model.initialise) await initialiseFromObservations(model, data);
  const boundary = config.boundary ?? (data.grid.dims === 2 && data.grid.periodic ? 'periodic' : 'valid');
  // The same noisy values training observes (training/data.ts draws them the same way for a seed).
  const choice = config.radius === 'auto' ? await chooseRadius(withMeasurementNoise(instance, problem, config.obsNoise, config.seed), problem, { family: config.family, boundary }) : undefined;
  const radius = choice?.radius ?? (config.radius as number);
  const trim = boundary === 'valid' ? radius : 0;
  const before = tf.memory().numTensors;
  const callsBefore = nativeCallCounts();
  try {
    const outcome = await train(data, model, {
      derivatives: config.derivatives,
      epochs: config.epochs,
      lr: config.lr,
      pdeWarmup: config.pdeWarmup,
      collocationBatch: config.collocationBatch,
      family: config.family,
      radius,
      boundary,
      constants: problem.constantsOf?.(config.interfaceLength, instance) ?? {},
      seed: config.seed,
      ...(options.pdeWeight !== undefined ? { pdeWeight: options.pdeWeight } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const base = { config, model: { ...model.description } };
    if (outcome.status !== 'completed' || !outcome.estimates) {
      return { ...base, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), metrics: null, fields: null, history: outcome.history };
    }
    const e = outcome.estimates;
    const kernel = { family: config.family, radius, boundary };
    const truth = data.truthParameter ? cropField(data.truthParameter, data.grid, trim) : undefined;
    const truthSmoothed = data.truthParameter ? smoothField(data.truthParameter, data.grid, kernel).values : undefined;
    const laplacianTrue = trueLaplacian(data, trim);
    // validateJob refused 'separable' for a problem without one.
    const scored = config.estimate === 'separable' ? e.separable! : e.direct;
    const common = {
      grid: e.grid,
      paramTrue: truth ?? new Float64Array(scored.length).fill(NaN),
      paramTrueSmoothed: truthSmoothed ?? null,
      kernel,
    };
    const metrics = jobMetrics({
      ...common,
      paramPred: scored,
      laplacianTrue: laplacianTrue ?? null,
      laplacianPred: e.laplacian ?? null,
      lossData: outcome.lossData,
      lossPde: outcome.lossPde,
      timeSeconds: outcome.timeSeconds,
      peakBytes: outcome.peakBytes,
      rssBytes: process.resourceUsage().maxRSS * 1024,
      backend: backend.name,
      device: backend.device,
      versions: versions(),
    });
    const direct = jobMetrics({ ...common, paramPred: e.direct });
    const fieldTrue = trueFields(data, trim);
    return {
      ...base,
      status: 'completed',
      metrics: {
        ...metrics,
        estimate: config.estimate,
        radius,
        ...(choice ? { radius_noise_sigma: choice.sigma } : {}),
        ...(problem.forward ? fieldErrors(data.channels, e.fields, fieldTrue) : {}),
        direct: { param_corr: direct.param_corr, param_corr_smoothed: direct.param_corr_smoothed, param_mean: direct.param_mean, param_mean_rel_err: direct.param_mean_rel_err },
        machine: machine(),
        kernels: {
          backend: backend.name,
          ...(backend.native ? { native: describeNative(backend.native), calls: callsSince(callsBefore) } : {}),
        },
      },
      fields: {
        grid: e.grid,
        coordinates: gridCoordinates(e.grid).map((c) => Array.from(c)),
        parameter_name: problem.parameter,
        parameter: Array.from(scored),
        parameter_separable: e.separable ? Array.from(e.separable) : null,
        parameter_direct: Array.from(e.direct),
        parameter_true: truth ? Array.from(truth) : null,
        field: Object.fromEntries(data.channels.map((name, c) => [name, Array.from(e.fields[c]!)])),
        field_true: fieldTrue,
        laplacian: e.laplacian ? Array.from(e.laplacian) : null,
        laplacian_true: laplacianTrue ? Array.from(laplacianTrue) : null,
      },
      history: outcome.history,
      ...(options.keepWeights ? { weights: await modelWeights(model) } : {}),
    };
  } finally {
    model.dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) logger().warn({ leaked }, `a training job left ${leaked} tensors behind`);
  }
}
