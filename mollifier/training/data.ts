// What a training job sees of a problem instance: coordinates of every node, the observed nodes with their
// (noisy) values, the known fields, the truth for metrics, and the scales that normalise the loss terms.
import { observeRelative } from '../pdes/observation.js';
import { gridCoordinates, gridSize, ProblemError, type Grid, type ProblemInstance, type ProblemName } from '../pdes/types.js';
import { fieldMean, fieldStd } from '../metrics/index.js';
import { builtinProblem, builtinProblems, type TrainingProblem } from '../problems/index.js';

/** The field channels a model predicts for each built-in problem. */
export const fieldChannels = Object.fromEntries(Object.entries(builtinProblems).map(([name, problem]) => [name, problem.channels])) as Record<ProblemName, readonly string[]>;

export interface TrainingData {
  /** The PDE, as a value: training asks it for derivatives, residual and estimate. */
  problem: TrainingProblem;
  instance: ProblemInstance;
  grid: Grid;
  dims: 1 | 2;
  /** [n] or [ny, nx]. */
  shape: number[];
  nodes: number;
  /** Row-major [nodes, dims]: t, or x and y. */
  coordinates: Float32Array;
  bounds: Array<[number, number]>;
  channels: readonly string[];
  /** 1 at observed nodes. */
  mask: Float32Array;
  observed: Int32Array;
  /** [nodes, channels]: observed values (with measurement noise) at observed nodes, 0 elsewhere. */
  targets: Float32Array;
  /** Mean and standard deviation of each channel over the observed values. */
  channelMean: number[];
  channelScale: number[];
  /** Typical size of the PDE residual's terms, so MSE_f is dimensionless. */
  residualScale: number;
  parameterName: string;
  /** The true parameter on every node, where the instance holds it; a forward problem's known parameter. */
  truthParameter: Float64Array | undefined;
}

export interface DataOptions {
  /** Fraction of nodes observed (default 0.1); a forward problem observes its own nodes instead. */
  sample?: number;
  /** σ of additive measurement noise on the observed field, relative to the field's standard deviation (default 0). */
  noise?: number;
  seed?: number;
  /** The problem (default: the built-in one the instance names). */
  problem?: TrainingProblem;
}

/** A forward problem's observed nodes, checked and sorted (problems/types.ts ForwardProblem). */
function forwardObserved(problem: TrainingProblem, grid: Grid, nodes: number): Int32Array {
  const given = problem.forward!.observed(grid);
  const bad = given.find((node) => !(Number.isInteger(node) && node >= 0 && node < nodes));
  if (bad !== undefined || given.length === 0) throw new ProblemError(`${problem.name}: forward.observed gave ${bad ?? 'no node'}, expected node indices in [0, ${nodes})`);
  return Int32Array.from(new Set(given)).sort();
}

export function trainingData(instance: ProblemInstance, options: DataOptions = {}): TrainingData {
  const problem = options.problem ?? builtinProblem(instance.problem);
  if (!problem) throw new ProblemError(`the data are of '${instance.problem}', not a built-in problem: pass the problem value with them (DataOptions.problem)`);
  if (problem.name !== instance.problem) throw new ProblemError(`the data are of '${instance.problem}', not ${problem.name}`);
  const channels = problem.channels;
  const grid = instance.grid;
  const nodes = gridSize(grid);
  for (const name of channels) {
    if (!instance.fields[name]) throw new ProblemError(`the ${problem.name} data have no field '${name}' to train on`);
  }
  for (const name of problem.sources) {
    if (!instance.fields[name]) throw new ProblemError(`the ${problem.name} data have no source field ${name}`);
  }
  const columns = gridCoordinates(grid);
  const dims = columns.length as 1 | 2;
  const coordinates = new Float32Array(nodes * dims);
  for (let i = 0; i < nodes; i++) for (let d = 0; d < dims; d++) coordinates[i * dims + d] = columns[d]![i]!;
  const bounds = columns.map((c) => [Math.min(...c), Math.max(...c)] as [number, number]);
  const seed = options.seed ?? 0;
  const mask = new Float32Array(nodes);
  const targets = new Float32Array(nodes * channels.length);
  const channelMean: number[] = [];
  const channelScale: number[] = [];
  let observed: Int32Array = new Int32Array(0);
  const forwardNodes = problem.forward ? forwardObserved(problem, grid, nodes) : undefined;
  if (problem.forward && !instance.fields[problem.parameter]) throw new ProblemError(`${problem.name} is a forward problem: its data must hold the known parameter ${problem.parameter}`);
  channels.forEach((name, c) => {
    const field = instance.fields[name]!;
    // A forward problem observes the nodes it names (the noise drawn as for every node, so a seed gives the same
    // noise whatever the nodes); an inverse one a seeded sample of them.
    const observation = observeRelative(field, { fraction: forwardNodes ? 1 : (options.sample ?? 0.1), relativeNoise: options.noise ?? 0, seed });
    observed = forwardNodes ?? observation.indices;
    const values = Array.from(observed, (i) => observation.values[i]!);
    channelMean.push(fieldMean(values));
    channelScale.push(fieldStd(values) || 1);
    for (const i of observed) {
      mask[i] = 1;
      targets[i * channels.length + c] = observation.values[i]!;
    }
  });
  const shape = grid.dims === 1 ? [grid.n] : [grid.ny, grid.nx];
  return {
    problem,
    instance,
    grid,
    dims,
    shape,
    nodes,
    coordinates,
    bounds,
    channels,
    mask,
    observed,
    targets,
    channelMean,
    channelScale,
    residualScale: problem.residualScale(instance, channelMean, channelScale),
    parameterName: problem.parameter,
    truthParameter: instance.fields[problem.parameter],
  };
}
