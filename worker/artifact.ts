// What a job sends beside its scalars (protocol/artifact.ts): a train job's recovered and true fields on its
// grid and its loss history; a no-op job's made-up fields of a chosen size, for the store's benchmarks.
import { encodeArtifact, type ArtifactContent } from '../protocol/index.js';
import type { JobResult } from '../mollifier/index.js';

/** A train result's artifact; undefined when training produced no fields (a failure before the first step). */
export function trainArtifact(result: Pick<JobResult, 'fields' | 'history' | 'weights'>): Uint8Array | undefined {
  const fields = result.fields;
  if (!fields) return undefined;
  const arrays: Record<string, Float32Array> = { parameter: Float32Array.from(fields.parameter) };
  if (fields.parameter_true) arrays.parameter_true = Float32Array.from(fields.parameter_true);
  if (fields.laplacian) arrays.laplacian = Float32Array.from(fields.laplacian);
  if (fields.laplacian_true) arrays.laplacian_true = Float32Array.from(fields.laplacian_true);
  for (const [name, values] of Object.entries(fields.field)) arrays[`field.${name}`] = Float32Array.from(values);
  for (const [name, values] of Object.entries(fields.field_true)) arrays[`field_true.${name}`] = Float32Array.from(values);
  const history = result.history;
  const content: ArtifactContent = {
    grid: fields.grid,
    parameter_name: fields.parameter_name,
    arrays,
    history: history && { epoch: Float32Array.from(history.epoch), loss: Float32Array.from(history.loss), data: Float32Array.from(history.data), pde: Float32Array.from(history.pde) },
    ...(result.weights ? { weights: { model: result.weights.model, specs: result.weights.specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' as const })), data: result.weights.data } } : {}),
  };
  return encodeArtifact(content);
}

/**
 * An n×n artifact with the arrays a 2D train job sends (noisy, so it deflates as real fields do) and a loss
 * history of `epochs` entries; the truths depend on the seed only, as a simulated instance's do, and the
 * estimates on the seed and the label.
 */
export function noopArtifact(n: number, seed: number, epochs: number, label = ''): Uint8Array {
  // The estimates' noise differs per job (seed and label), as trained estimates do.
  let state = [...label].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, (seed * 2654435761 + 1) >>> 0);
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const smooth = (phase: number) => Float32Array.from({ length: n * n }, (_, i) => 1 + 0.5 * Math.sin((i % n) / n * 2 * Math.PI + phase) * Math.cos(Math.floor(i / n) / n * 2 * Math.PI));
  const truth = smooth(seed);
  const laplacianTrue = smooth(seed + 1);
  const field = smooth(seed + 2);
  const noisy = (values: Float32Array) => values.map((v) => v + 0.05 * (random() - 0.5));
  const historyEpochs = Float32Array.from({ length: epochs }, (_, i) => i + 1);
  return encodeArtifact({
    grid: { dims: 2, nx: n, ny: n, x0: 0, y0: 0, hx: 1 / Math.max(1, n - 1), hy: 1 / Math.max(1, n - 1), periodic: false },
    parameter_name: 'D',
    arrays: {
      parameter: noisy(truth),
      parameter_true: truth,
      laplacian: noisy(laplacianTrue),
      laplacian_true: laplacianTrue,
      'field.u': noisy(field),
      'field_true.u': field,
    },
    history: { epoch: historyEpochs, loss: historyEpochs.map((e) => 1 / e), data: historyEpochs.map((e) => 0.5 / e), pde: historyEpochs.map((e) => 0.5 / e) },
  });
}
