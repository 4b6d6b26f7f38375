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

/** The options that name a file (or an instance folder) the job reads: their contents are part of its identity. */
export const jobFileOptions = ['param-field', 'data', 'phi-n', 'phi-d'] as const;
export type JobFileOption = (typeof jobFileOptions)[number];

/**
 * The training code's defaults per problem, as a digest (mollifier/training/defaults.ts computes it). Part of every
 * train job's id, so a changed default makes new jobs instead of reusing results trained under the old one.
 * test/job-identity.test.ts fails until these equal the code's: paste the digests it prints.
 */
export const trainingDefaultsDigests = {
  langevin: '9ecc633e0c6f0c68',
  heat: '50571ba11c0a5544',
  rd: '5e1d5d3633dafb74',
} as const satisfies Record<TrainOptions['pde'], string>;

/** Every option name a job may carry, for error messages and docs. */
export const jobOptionNames: readonly string[] = [...new Set([...Object.keys(trainOptionsSchema.shape), ...Object.keys(noopOptionsSchema.shape)])];
