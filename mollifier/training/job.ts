// One training job as data in, result out: what `mollifier train` runs and what a sweep's worker runs.
// A job is plain options (validated), never code.
import { createRequire } from 'node:module';
import { tf } from '../backend/tf.js';
import { initBackend } from '../backend/index.js';
import { assertBoundaryMode, type BoundaryMode } from '../layer/index.js';
import { assertKernelFamily, type KernelFamily } from '../kernels/index.js';
import { createModel } from '../models/index.js';
import { modelNames, modelPresets, type FieldModel, type ModelName, type ModelPreset } from '../models/types.js';
import { readComsolField, readInstance, readParamField } from '../io/index.js';
import { builtinProblems, type ProblemDefaults, type TrainingProblem } from '../problems/index.js';
import { cropField } from '../pdes/grid-ops.js';
import { logger } from '../log.js';
import { gridCoordinates, problemNames, ProblemError, type Grid, type ProblemInstance, type ProblemName } from '../pdes/types.js';
import { jobMetrics, smoothField, type JobMetrics } from '../metrics/index.js';
import { assertFraction } from '../pdes/observation.js';
import { trainingData, type TrainingData } from './data.js';
import { derivativeMethods, train, type DerivativeMethod, type TrainProgress } from './train.js';

export interface JobConfig {
  pde: ProblemName;
  model: ModelName;
  derivatives: DerivativeMethod;
  family: KernelFamily;
  radius: number;
  boundary?: BoundaryMode | undefined;
  /** Parameter case of the simulated data (ignored with data files). */
  case?: string | undefined;
  /** Noise level σ of the case (langevin white/varying-noisy, heat noisy). */
  noise?: number | undefined;
  /** Additive measurement noise on the observed field, relative to its standard deviation. */
  obsNoise: number;
  grid?: number | undefined;
  /** rd: k of the constant case, the scale of the others. */
  k?: number | undefined;
  /**
   * rd: interface length l of the simulated data and of the residual (default 0.03). With data files, the l of
   * the residual; a simulate directory that recorded its l must agree.
   */
  interfaceLength?: number | undefined;
  /** Fraction of nodes observed. */
  sample: number;
  /** Training steps (default per problem, jobDefaults). */
  epochs?: number | undefined;
  lr: number;
  seed: number;
  preset: ModelPreset;
  /** Which estimate the metrics score: the separable one (default, as the paper) or the λ-head. */
  estimate: 'separable' | 'direct';
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
}

/** The per-problem defaults of the built-in problems (each problem value holds its own: problems/*.ts). */
export const jobDefaults = Object.fromEntries(Object.entries(builtinProblems).map(([name, problem]) => [name, problem.defaults])) as Record<ProblemName, ProblemDefaults>;

/** The job's problem, as a value. */
const problemOf = (config: JobConfig): TrainingProblem => builtinProblems[config.pde];

/** [choice] The field head's initial weights are scaled by this (SCIENCE.md §5 pitfall). */
export const initialFieldHeadScale = 0.1;

/** A job with every per-problem default filled in (resolveJob): what it actually runs with. */
export type ResolvedJobConfig = JobConfig & {
  epochs: number;
  pdeWarmup: number;
  fourierBand: [number, number];
  fourierCount: number;
  collocationBatch: number;
};

/** The per-problem defaults applied, once: everything below reads the resolved configuration. */
export function resolveJob(config: JobConfig): ResolvedJobConfig {
  const defaults = problemOf(config).defaults;
  const simulated = config.data === undefined && config.phiN === undefined && config.paramField === undefined;
  return {
    ...config,
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
  metrics: (JobMetrics & { estimate: string; direct: Pick<JobMetrics, 'param_corr' | 'param_corr_smoothed' | 'param_mean' | 'param_mean_rel_err'> }) | null;
  model: Record<string, number | string | boolean>;
  fields: {
    grid: Grid;
    /** Coordinates of the estimate nodes: t, or x and y. */
    coordinates: number[][];
    parameter: number[];
    parameter_direct: number[];
    parameter_true: number[] | null;
    field: Record<string, number[]>;
    laplacian: number[] | null;
  } | null;
}

function choose<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new ProblemError(`${name} '${value}' is not one of ${choices.join(', ')}`);
  return value as T;
}

/** Check a job's options; every message names the bad value. */
export function validateJob(config: JobConfig): JobConfig {
  choose('pde', config.pde, problemNames);
  choose('model', config.model, modelNames);
  choose('derivatives', config.derivatives, derivativeMethods);
  choose('preset', config.preset, modelPresets);
  choose('estimate', config.estimate, ['separable', 'direct'] as const);
  assertKernelFamily(config.family);
  if (config.boundary !== undefined) assertBoundaryMode(config.boundary);
  if (config.epochs !== undefined && !(Number.isInteger(config.epochs) && config.epochs > 0)) throw new ProblemError(`epochs ${config.epochs} must be an integer > 0`);
  if (!Number.isInteger(config.radius) || config.radius < 1) throw new ProblemError(`radius ${config.radius} must be an integer ≥ 1`);
  assertFraction(config.sample);
  if (!(config.lr > 0)) throw new ProblemError(`lr ${config.lr} must be > 0`);
  if (config.interfaceLength !== undefined && !problemOf(config).constantsOf) throw new ProblemError(`--interface-length does not apply to ${config.pde}: its residual has no length scale`);
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
  if (config.phiN !== undefined && !(problemOf(config).channels.includes('phi_n') && problemOf(config).channels.includes('phi_d'))) throw new ProblemError(`--phi-n/--phi-d are the fields φ_n and φ_d, which ${config.pde} does not have`);
  return config;
}

function loadInstance(config: JobConfig): ProblemInstance {
  if (config.data) {
    const instance = readInstance(config.data);
    if (instance.problem !== config.pde) throw new ProblemError(`${config.data} holds a ${instance.problem} instance, not ${config.pde}`);
    return instance;
  }
  if (config.phiN && config.phiD) {
    const phiN = readComsolField(config.phiN);
    const phiD = readComsolField(config.phiD, { periodicEdge: phiN.droppedPeriodicEdge ? 'drop' : 'keep' });
    if (phiN.grid.nx !== phiD.grid.nx || phiN.grid.ny !== phiD.grid.ny) throw new ProblemError(`${config.phiD}: its grid does not match ${config.phiN}`);
    return { problem: config.pde, case: 'comsol', grid: phiN.grid, fields: { phi_n: phiN.values, phi_d: phiD.values }, parameters: {}, seed: 0 };
  }
  return problemOf(config).simulate({
    ...(config.paramField ? { paramField: readParamField(config.paramField, config.pde) } : { ...(config.case !== undefined ? { case: config.case } : {}), ...(config.grid !== undefined ? { grid: config.grid } : {}) }),
    ...(config.noise !== undefined ? { noise: config.noise } : {}),
    ...(config.k !== undefined ? { k: config.k } : {}),
    ...(config.interfaceLength !== undefined ? { interfaceLength: config.interfaceLength } : {}),
    seed: config.seed,
  });
}

/** The true Laplacian of the observed field on the estimate nodes, where the problem knows it. */
function trueLaplacian(data: TrainingData, trim: number): Float64Array | undefined {
  const full = data.problem.trueLaplacian?.(data.instance);
  return full ? cropField(full, data.grid, trim) : undefined;
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const version = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { node: process.version, tfjs: version('@tensorflow/tfjs-core') };
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
}

export async function runJob(given: JobConfig, options: RunJobOptions = {}): Promise<JobResult> {
  const config = resolveJob(validateJob(given));
  const backend = await initBackend();
  const instance = loadInstance(config);
  const data = trainingData(instance, { sample: config.sample, noise: config.obsNoise, seed: config.seed });
  const fourier = { band: config.fourierBand, count: config.fourierCount };
  const model = createModel(config.model, {
    inputDim: data.dims,
    fieldChannels: data.channels.length,
    preset: config.preset,
    seed: config.seed,
    bounds: data.bounds,
    fieldHeadScale: initialFieldHeadScale,
    fourier: { count: fourier.count, minFrequency: Math.PI * fourier.band[0], maxFrequency: Math.PI * fourier.band[1] },
  });
  if (model.initialise) await initialiseFromObservations(model, data);
  const boundary = config.boundary ?? (data.grid.dims === 2 && data.grid.periodic ? 'periodic' : 'valid');
  const trim = boundary === 'valid' ? config.radius : 0;
  const before = tf.memory().numTensors;
  try {
    const outcome = await train(data, model, {
      derivatives: config.derivatives,
      epochs: config.epochs,
      lr: config.lr,
      pdeWarmup: config.pdeWarmup,
      collocationBatch: config.collocationBatch,
      family: config.family,
      radius: config.radius,
      boundary,
      constants: problemOf(config).constantsOf?.(config.interfaceLength, instance) ?? {},
      seed: config.seed,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const base = { config, model: { ...model.description } };
    if (outcome.status !== 'completed' || !outcome.estimates) {
      return { ...base, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), metrics: null, fields: null };
    }
    const e = outcome.estimates;
    const kernel = { family: config.family, radius: config.radius, boundary };
    const truth = data.truthParameter ? cropField(data.truthParameter, data.grid, trim) : undefined;
    const truthSmoothed = data.truthParameter ? smoothField(data.truthParameter, data.grid, kernel).values : undefined;
    const laplacianTrue = trueLaplacian(data, trim);
    const scored = config.estimate === 'separable' ? e.separable : e.direct;
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
    return {
      ...base,
      status: 'completed',
      metrics: {
        ...metrics,
        estimate: config.estimate,
        direct: { param_corr: direct.param_corr, param_corr_smoothed: direct.param_corr_smoothed, param_mean: direct.param_mean, param_mean_rel_err: direct.param_mean_rel_err },
      },
      fields: {
        grid: e.grid,
        coordinates: gridCoordinates(e.grid).map((c) => Array.from(c)),
        parameter: Array.from(e.separable),
        parameter_direct: Array.from(e.direct),
        parameter_true: truth ? Array.from(truth) : null,
        field: Object.fromEntries(data.channels.map((name, c) => [name, Array.from(e.fields[c]!)])),
        laplacian: e.laplacian ? Array.from(e.laplacian) : null,
      },
    };
  } finally {
    model.dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) logger().warn({ leaked }, `a training job left ${leaked} tensors behind`);
  }
}
