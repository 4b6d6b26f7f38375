// The no-network baseline as a job (`model: none`): the problem's separable estimate straight from the observed
// data, with the same observed nodes and measurement noise a trained job of this seed sees (problems/estimate.ts
// withMeasurementNoise), filled in between the observations by the polyharmonic spline where sparse. It is scored by
// the same metrics, on the same instance, so a sweep can put it beside the networks as one more column.
import type { BackendChoice } from '../backend/select.js';
import { gridCoordinates, ProblemError, type ProblemInstance } from '../pdes/types.js';
import { jobMetrics } from '../metrics/index.js';
import { separableEstimate, withMeasurementNoise } from '../problems/estimate.js';
import type { TrainingProblem } from '../problems/index.js';
import { cropField } from '../pdes/grid-ops.js';
import { machine, versions } from './job-inputs.js';
import type { JobResult, ResolvedJobConfig } from './job.js';

/** The `model` value of the no-network baseline. */
export const noNetworkModel = 'none';

export async function runNoNetwork(config: ResolvedJobConfig, problem: TrainingProblem, instance: ProblemInstance, backend: BackendChoice): Promise<JobResult> {
  if (!problem.separable) throw new ProblemError(`model 'none' is the separable estimate on the data, and ${problem.name} has none`);
  const started = performance.now();
  const observed = withMeasurementNoise(instance, problem, config.obsNoise, config.seed, config.sample);
  const estimate = await separableEstimate(observed, problem, {
    family: config.family,
    radius: config.radius,
    ...(config.boundary !== undefined ? { boundary: config.boundary } : {}),
    constants: problem.constantsOf?.(config.interfaceLength, instance) ?? {},
  });
  const timeSeconds = (performance.now() - started) / 1000;
  const summary = estimate.summary;
  const kernel = { family: summary.family, radius: summary.radius, boundary: summary.boundary };
  const truth = estimate.truth ?? new Float64Array(estimate.values.length).fill(NaN);
  const metrics = jobMetrics({
    grid: estimate.grid,
    paramTrue: truth,
    paramPred: estimate.values,
    paramTrueSmoothed: estimate.truthSmoothed ?? null,
    kernel,
    timeSeconds,
    rssBytes: process.resourceUsage().maxRSS * 1024,
    backend: backend.name,
    device: backend.device,
    versions: versions(),
  });
  // The estimate's grid is the instance's less the nodes its kernel could not reach (none when periodic).
  const trim = instance.grid.dims === 1 && estimate.grid.dims === 1 ? (instance.grid.n - estimate.grid.n) / 2 : instance.grid.dims === 2 && estimate.grid.dims === 2 ? (instance.grid.nx - estimate.grid.nx) / 2 : 0;
  const crop = (values: Float64Array) => Array.from(cropField(values, instance.grid, trim));
  return {
    config,
    status: 'completed',
    model: { name: noNetworkModel, parameters: 0 },
    metrics: {
      ...metrics,
      estimate: 'separable',
      radius: summary.radius,
      ...(summary.radius_choice ? { radius_noise_sigma: summary.radius_choice.sigma } : {}),
      direct: { param_corr: null, param_corr_smoothed: null, param_mean: null, param_mean_rel_err: null },
      machine: machine(),
      kernels: { backend: backend.name },
    },
    fields: {
      grid: estimate.grid,
      coordinates: gridCoordinates(estimate.grid).map((c) => Array.from(c)),
      parameter_name: problem.parameter,
      parameter: Array.from(estimate.values),
      parameter_separable: Array.from(estimate.values),
      parameter_direct: [],
      parameter_true: estimate.truth ? Array.from(estimate.truth) : null,
      // What the estimate differentiated: the measured (noisy, spline-filled) field, beside the instance's own.
      field: Object.fromEntries(problem.channels.map((name) => [name, crop(observed.fields[name]!)])),
      field_true: Object.fromEntries(problem.channels.map((name) => [name, crop(instance.fields[name]!)])),
      laplacian: null,
      laplacian_true: null,
    },
    history: null,
  };
}
