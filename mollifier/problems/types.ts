// A problem as a value: what training needs to know of a PDE, and nothing it must know by name. Training
// (training/strategies.ts) computes the derivatives a problem declares, by the mollifier layer or by autodiff,
// hands them over as named terms, and asks the problem for its residual and its separable estimate.
import type { Tensor } from '../backend/tf.js';
import type { Operator2d } from '../kernels/index.js';
import type { Grid, ProblemInstance } from '../pdes/types.js';
import type { Activation } from '../nets/mlp.js';
import type { SimulateOptions } from '../pdes/simulate.js';

/** A derivative of a 1D field along t: the value, then 1st, 2nd, 3rd, 4th order. */
export const operators1d = ['value', 'dt', 'dtt', 'dttt', 'dtttt'] as const;
export type Operator1d = (typeof operators1d)[number];
export type FieldOperator = Operator1d | Operator2d;

/** The terms at a set of nodes, each a 1D tensor over them: `channel:operator` (e.g. `u:laplacian`), and sources by name. */
export type TermMap = Readonly<Record<string, Tensor>>;

export const termKey = (channel: string, operator: FieldOperator) => `${channel}:${operator}`;

export interface ResidualContext {
  /** Constants of the residual, as the problem's `constantsOf` made them (the chromatin model's φ_max and l). */
  constants: Readonly<Record<string, number>>;
}

/** What a training job of the problem uses when its options leave something out [choice]. */
export interface ProblemDefaults {
  case: string;
  grid: number;
  epochs: number;
  /** Fraction of the epochs over which the PDE weight ramps in. */
  pdeWarmup: number;
  /** PINN Fourier band on [-1, 1] coordinates, in units of π. */
  fourierBand: [number, number];
  fourierCount: number;
  /** Autodiff collocation nodes per step. */
  collocationBatch: number;
  /**
   * The PINN's network for this problem, in place of its presets' (both `cpu` and `paper`), where the problem's
   * set-up names its own (the forward toy problem's plain 64-unit tanh MLP). Absent: the presets, as before.
   */
  pinn?: PinnNetwork;
}

/** A PINN network as a problem's defaults give it (models/pinn.ts; the Fourier band and count still come from the defaults). */
export interface PinnNetwork {
  width: number;
  depth: number;
  activation: Activation;
  /** Fourier features of the coordinates (false: the scaled coordinates themselves). */
  fourier: boolean;
  layerNorm: boolean;
  residual: boolean;
}

/**
 * What makes a problem a forward one: its parameter is known, and its data are the nodes it names. Training hands
 * the residual the instance's parameter field in place of the network's parameter head (which then plays no part),
 * and its data loss sees only `observed(grid)`, not a sampled fraction of the nodes.
 */
export interface ForwardProblem {
  /** The observed nodes (indices into the grid, row-major): an initial or boundary condition. */
  observed(grid: Grid): readonly number[];
}

export interface TrainingProblem {
  readonly name: string;
  readonly dims: 1 | 2;
  /** Field channels the model predicts, in order (instance fields of these names are the data). */
  readonly channels: readonly string[];
  /** The unknown parameter's name (an instance field of that name is its truth); a forward problem's known one. */
  readonly parameter: string;
  /** A positive parameter: the network's parameter head is its logarithm. */
  readonly positiveParameter: boolean;
  /**
   * Per channel, the operators the residual reads (the value first); under the parameter's name, the derivatives
   * of the parameter the residual reads (a divergence form's ∇D), computed the same way as the field's.
   */
  readonly derivatives: Readonly<Record<string, readonly FieldOperator[]>>;
  /** Instance fields the residual reads at its nodes, passed as terms under their own names (heat: f). */
  readonly sources: readonly string[];
  residual(terms: TermMap, parameter: Tensor, context: ResidualContext): Tensor;
  /**
   * The parameter from the field's derivatives alone (no parameter head), where the residual can be solved for it
   * node by node. Without it, jobs score the parameter head (`estimate: direct`).
   */
  separable?(terms: TermMap, context: ResidualContext): Tensor;
  /** The term reported as the field's Laplacian in the metrics, if the problem has one. */
  readonly reportedLaplacian?: string;
  /** Typical size of the residual's terms on these data, so the PDE loss is dimensionless. */
  residualScale(instance: ProblemInstance, channelMean: readonly number[], channelScale: readonly number[]): number;
  readonly defaults: ProblemDefaults;
  /** The simulator's own defaults (they decide the data a job trains on: part of the defaults' digest). */
  readonly simulationDefaults: object;
  /** The parameter cases its simulator offers (for help and error texts). */
  readonly cases?: readonly string[];
  /** An instance to train on (its `problem` is this problem's name; its fields are `instanceFieldsOf` this problem). */
  simulate(options: SimulateOptions): ProblemInstance;
  /** Checks a parameter given per node (`--param-field`) before simulating with it: a line naming the first bad value. */
  readonly parameterBound?: { min: number; strict: boolean };
  /** The field's true Laplacian on the instance's grid, where the data allow it (for the metrics). */
  trueLaplacian?(instance: ProblemInstance): Float64Array | undefined;
  /**
   * The residual's constants, with a length scale the job may set (`interface-length`): as given, else as the data
   * were simulated, else the default. A problem without it takes no constants, and a job may not set one.
   */
  constantsOf?(lengthScale: number | undefined, instance: ProblemInstance): Record<string, number>;
  /** Present on a forward problem (its parameter known, its data an initial condition); absent on an inverse one. */
  readonly forward?: ForwardProblem;
}

/** The fields of the problem's instances, in file order: channels, the parameter (the truth), sources. */
export const instanceFieldsOf = (problem: Pick<TrainingProblem, 'channels' | 'parameter' | 'sources'>): string[] => [...problem.channels, problem.parameter, ...problem.sources];
