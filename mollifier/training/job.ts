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
import { simulateProblem } from '../pdes/simulate.js';
import { spectralLaplacian } from '../pdes/spectral.js';
import { cropField } from '../pdes/grid-ops.js';
import { logger } from '../log.js';
import { chromatinDefaults, type ChromatinConstants } from '../pdes/residuals.js';
import { gridCoordinates, problemNames, ProblemError, type Grid, type ProblemInstance, type ProblemName } from '../pdes/types.js';
import { jobMetrics, smoothField, type JobMetrics } from '../metrics/index.js';
import { assertFraction } from '../pdes/observation.js';
import { trainingData, type TrainingData } from './data.js';
import { defaultCollocationBatch, derivativeMethods, train, type DerivativeMethod, type TrainProgress } from './train.js';

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
  /** Autodiff: collocation nodes per step (default per problem: defaultCollocationBatch in train.ts). */
  collocationBatch?: number | undefined;
  paramField?: string | undefined;
  data?: string | undefined;
  phiN?: string | undefined;
  phiD?: string | undefined;
}

/**
 * CPU-scale defaults per problem [choice]: a useful result on a 2-core machine in a few minutes.
 * - pdeWarmup: the field first fits the data, then the PDE weight ramps in (heat: without it the PDE term
 *   fights a field that means nothing yet, and D is not recovered at all).
 * - fourierBand/fourierCount: the PINN's deterministic Fourier band (units of π on [-1, 1] coordinates). The model's
 *   own default, SCIENCE.md's [π, 10π] × 16, resolves wavelengths down to 3 cells of a 32-node heat grid; the
 *   field fits the data but its Laplacian wiggles, so heat takes the low band (measured in docs/table2.md).
 *   rd takes [0.5π, 4π] × 8: the k map comes from 4th derivatives of the fitted φ, and with the high band its
 *   correlation stalled at 0.48-0.60 even at 800 epochs; [0.5, 4] × 8 gives 0.74-0.75 at 400 (docs/training.md).
 */
export const jobDefaults: Record<ProblemName, { case: string; grid: number; epochs: number; pdeWarmup: number; fourierBand: [number, number]; fourierCount: number }> = {
  langevin: { case: 'varying', grid: 1001, epochs: 3000, pdeWarmup: 0, fourierBand: [1, 10], fourierCount: 16 },
  heat: { case: 'smooth', grid: 32, epochs: 1000, pdeWarmup: 0.3, fourierBand: [0.5, 1], fourierCount: 4 },
  rd: { case: 'constant', grid: 64, epochs: 2000, pdeWarmup: 0, fourierBand: [0.5, 4], fourierCount: 8 },
};

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
  const defaults = jobDefaults[config.pde];
  const simulated = config.data === undefined && config.phiN === undefined && config.paramField === undefined;
  return {
    ...config,
    ...(simulated ? { case: config.case ?? defaults.case, grid: config.grid ?? defaults.grid } : {}),
    epochs: config.epochs ?? defaults.epochs,
    pdeWarmup: config.pdeWarmup ?? defaults.pdeWarmup,
    fourierBand: config.fourierBand ?? defaults.fourierBand,
    fourierCount: config.fourierCount ?? defaults.fourierCount,
    collocationBatch: config.collocationBatch ?? defaultCollocationBatch(config.pde),
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
  if (config.interfaceLength !== undefined && config.pde !== 'rd') throw new ProblemError(`--interface-length sets the reaction-diffusion interface, not ${config.pde}'s`);
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
  if (config.phiN !== undefined && config.pde !== 'rd') throw new ProblemError(`--phi-n/--phi-d are reaction-diffusion fields, not ${config.pde}`);
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
    return { problem: 'rd', case: 'comsol', grid: phiN.grid, fields: { phi_n: phiN.values, phi_d: phiD.values }, parameters: {}, seed: 0 };
  }
  return simulateProblem(config.pde, {
    ...(config.paramField ? { paramField: readParamField(config.paramField, config.pde) } : { ...(config.case !== undefined ? { case: config.case } : {}), ...(config.grid !== undefined ? { grid: config.grid } : {}) }),
    ...(config.noise !== undefined ? { noise: config.noise } : {}),
    ...(config.k !== undefined ? { k: config.k } : {}),
    ...(config.interfaceLength !== undefined ? { interfaceLength: config.interfaceLength } : {}),
    // Patterns with wider interfaces coarsen slowly (l = 0.15: ~60k steps, 20 s at 64²); a job waits for them.
    ...(config.pde === 'rd' ? { reactionDiffusion: { maxSteps: 200_000 } } : {}),
    seed: config.seed,
  });
}

/** The chromatin constants of the residual: l as the job says, else as the data were simulated, else 0.03. */
function chromatinConstantsOf(config: JobConfig, instance: ProblemInstance): ChromatinConstants {
  const recorded = typeof instance.parameters.l === 'number' ? instance.parameters.l : undefined;
  if (config.interfaceLength !== undefined && recorded !== undefined && Math.abs(recorded - config.interfaceLength) > 1e-12 * recorded) {
    throw new ProblemError(`--interface-length ${config.interfaceLength} contradicts the data, simulated with l = ${recorded}`);
  }
  return { ...chromatinDefaults, l: config.interfaceLength ?? recorded ?? chromatinDefaults.l };
}

/** The true Laplacian of the observed field on the estimate nodes: heat −f/D; rd Δφ_d (spectral, periodic data). */
function trueLaplacian(data: TrainingData, trim: number): Float64Array | undefined {
  const { instance, grid } = data;
  if (instance.problem === 'heat' && instance.fields.D) {
    return cropField(instance.fields.f!.map((f, i) => -f / instance.fields.D![i]!), grid, trim);
  }
  if (instance.problem === 'rd' && grid.dims === 2 && grid.periodic) {
    return cropField(spectralLaplacian(instance.fields.phi_d!, grid.nx, grid.ny, grid.nx * grid.hx, grid.ny * grid.hy), grid, trim);
  }
  return undefined;
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
      constants: chromatinConstantsOf(config, instance),
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
