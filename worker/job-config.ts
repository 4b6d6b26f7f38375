// A train job's wire options (kebab-case, protocol/) → the science library's JobConfig.
import type { TrainOptions } from '../protocol/index.js';
import { jobDefaults, type JobConfig } from '../mollifier/training/job.js';

export function jobConfigOf(options: TrainOptions): JobConfig {
  return {
    pde: options.pde,
    model: options.model,
    derivatives: options.derivatives,
    family: options.family,
    radius: options.radius,
    boundary: options.boundary,
    case: options.case,
    noise: options.noise,
    obsNoise: options['obs-noise'],
    grid: options.grid,
    k: options.k,
    interfaceLength: options['interface-length'],
    sample: options.sample,
    epochs: options.epochs ?? jobDefaults[options.pde].epochs,
    lr: options.lr,
    seed: options.seed,
    preset: options.preset,
    estimate: options.estimate,
    pdeWarmup: options['pde-warmup'],
    fourierBand: options['fourier-band'] as [number, number] | undefined,
    fourierCount: options['fourier-count'],
    collocationBatch: options['collocation-batch'],
    paramField: options['param-field'],
    data: options.data,
    phiN: options['phi-n'],
    phiD: options['phi-d'],
  };
}

/** Nested metrics (the direct estimate's, versions) → one flat map of wire values. */
export function flattenMetrics(metrics: object, prefix = ''): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const [key, value] of Object.entries(metrics)) {
    const name = prefix ? `${prefix}_${key}` : key;
    if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      out[name] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
    } else if (typeof value === 'object') Object.assign(out, flattenMetrics(value as object, name));
  }
  return out;
}
