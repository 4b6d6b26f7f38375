// What a job is: the options of one `mollifier train` run, under the CLI's own names, or a no-op job for
// orchestration tests and benchmarks. Plain data validated here; never code. The science library checks
// the values again (ranges that need its knowledge, files); this schema fixes names and types.
import { z } from 'zod';
import { limits } from './limits.js';

const positiveInt = z.number().int().positive();
/** Text options (paths, names, labels): bounded, so no job message nears the server's size limit. */
const text = z.string().min(1).max(limits.optionTextChars, `at most ${limits.optionTextChars} characters`);
const fraction = z.number().gt(0).lte(1);

/** The options of `mollifier train` that a job may set (kebab-case, as on the command line). */
export const trainOptionsSchema = z.strictObject({
  kind: z.literal('train').default('train'),
  pde: z.enum(['langevin', 'heat', 'rd']),
  model: z.enum(['pinn', 'piratenet', 'pinnsformer']).default('pinn'),
  derivatives: z.enum(['mollifier', 'autodiff']).default('mollifier'),
  family: z.enum(['bump', 'poly2', 'poly4', 'sine', 'fd']).default('bump'),
  radius: positiveInt.default(4),
  boundary: z.enum(['valid', 'reflect', 'periodic']).optional(),
  case: text.optional(),
  noise: z.number().nonnegative().optional(),
  'obs-noise': z.number().nonnegative().default(0),
  grid: positiveInt.optional(),
  k: z.number().positive().optional(),
  'interface-length': z.number().positive().optional(),
  sample: fraction.default(0.1),
  epochs: positiveInt.optional(),
  lr: z.number().positive().default(1e-3),
  seed: z.number().int().nonnegative().default(0),
  preset: z.enum(['cpu', 'paper']).default('cpu'),
  estimate: z.enum(['separable', 'direct']).default('separable'),
  'pde-warmup': z.number().min(0).lt(1).optional(),
  'fourier-band': z.tuple([z.number().positive(), z.number().positive()]).optional(),
  'fourier-count': positiveInt.optional(),
  'collocation-batch': positiveInt.optional(),
  'param-field': text.optional(),
  data: text.optional(),
  'phi-n': text.optional(),
  'phi-d': text.optional(),
});

/** A job that trains nothing: sleeps, then reports (orchestration tests and benchmarks only). */
export const noopOptionsSchema = z.strictObject({
  kind: z.literal('noop'),
  seed: z.number().int().nonnegative().default(0),
  /** How long the job "runs". */
  'duration-ms': z.number().int().nonnegative().default(0),
  /**
   * What it ends with: a result, a failure, a crash of its thread (the lane survives), or a SIGKILL of its
   * whole worker process, as a machine going down would (tests of the failure paths).
   */
  outcome: z.enum(['completed', 'failed', 'crash', 'kill-process']).default('completed'),
  /** Free labels, so a no-op sweep can have a matrix. */
  label: z.union([z.string().max(limits.optionTextChars, `at most ${limits.optionTextChars} characters`), z.number()]).optional(),
});

export const jobOptionsSchema = z.union([noopOptionsSchema, trainOptionsSchema]);

export type TrainOptions = z.infer<typeof trainOptionsSchema>;
export type NoopOptions = z.infer<typeof noopOptionsSchema>;
export type JobOptions = z.infer<typeof jobOptionsSchema>;
/** Options as written in a spec, before defaults. */
export type JobOptionsInput = z.input<typeof jobOptionsSchema>;

/** Every option name a job may carry, for error messages and docs. */
export const jobOptionNames: readonly string[] = [...new Set([...Object.keys(trainOptionsSchema.shape), ...Object.keys(noopOptionsSchema.shape)])];
