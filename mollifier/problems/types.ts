// A problem as a value: what training needs to know of a PDE, and nothing it must know by name. Training
// (training/strategies.ts) computes the derivatives a problem declares, by the mollifier layer or by autodiff,
// hands them over as named terms, and asks the problem for its residual and its separable estimate.
import type { Tensor } from '../backend/tf.js';
import type { Operator2d } from '../kernels/index.js';
import type { ChromatinConstants } from '../pdes/residuals.js';
import type { ProblemInstance } from '../pdes/types.js';

/** A derivative of a 1D field along t: the value, then 1st, 2nd, 3rd, 4th order. */
export const operators1d = ['value', 'dt', 'dtt', 'dttt', 'dtttt'] as const;
export type Operator1d = (typeof operators1d)[number];
export type FieldOperator = Operator1d | Operator2d;

/** The terms at a set of nodes, each a 1D tensor over them: `channel:operator` (e.g. `u:laplacian`), and sources by name. */
export type TermMap = Readonly<Record<string, Tensor>>;

export const termKey = (channel: string, operator: FieldOperator) => `${channel}:${operator}`;

export interface ResidualContext {
  /** Constants of the residual (the chromatin model's φ_max and l; others ignore them). */
  constants: ChromatinConstants;
}

export interface TrainingProblem {
  readonly name: string;
  readonly dims: 1 | 2;
  /** Field channels the model predicts, in order (instance fields of these names are the data). */
  readonly channels: readonly string[];
  /** The unknown parameter's name (an instance field of that name is its truth). */
  readonly parameter: string;
  /** A positive parameter: the network's parameter head is its logarithm. */
  readonly positiveParameter: boolean;
  /** Per channel, the operators the residual reads (the value first). */
  readonly derivatives: Readonly<Record<string, readonly FieldOperator[]>>;
  /** Instance fields the residual reads at its nodes, passed as terms under their own names (heat: f). */
  readonly sources: readonly string[];
  residual(terms: TermMap, parameter: Tensor, context: ResidualContext): Tensor;
  /** The parameter from the field's derivatives alone (no parameter head). */
  separable(terms: TermMap, context: ResidualContext): Tensor;
  /** The term reported as the field's Laplacian in the metrics, if the problem has one. */
  readonly reportedLaplacian?: string;
  /** Typical size of the residual's terms on these data, so the PDE loss is dimensionless. */
  residualScale(instance: ProblemInstance, channelMean: readonly number[], channelScale: readonly number[]): number;
}
