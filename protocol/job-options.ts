// What a job is: the options of one `mollifier train` run, under the CLI's own names, or a no-op job for
// orchestration tests and benchmarks. Plain data validated here; never code. The science library checks
// the values again (ranges that need its knowledge, files); this schema fixes names and types.
import { z } from 'zod';
import { limits } from './limits.js';
import { builtinProblemNames, problemNamePattern, problemNameRule } from './problem-modules.js';

const positiveInt = z.number().int('must be an integer > 0').positive('must be an integer > 0');
const positive = () => z.number().positive('must be > 0');
const nonnegative = () => z.number().nonnegative('must be ≥ 0');
/** Text options (paths, names, labels): bounded, so no job message nears the server's size limit. */
const text = z.string().min(1).max(limits.optionTextChars, `at most ${limits.optionTextChars} characters`);
const fraction = z.number().gt(0, 'must be in (0, 1]').lte(1, 'must be in (0, 1]');

/** How the command line reads an option's text (bin/commands/train.ts derives its options from this table). */
export type OptionArgument = { choices: readonly string[] } | 'integer' | 'integer-or-auto' | 'number' | 'band' | 'text';

/** One job option: its wire schema (kebab-case name, as on the command line), how the CLI reads it, its help. */
interface OptionRow<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** The placeholder shown in --help, e.g. `<name>`. */
  placeholder: string;
  argument: OptionArgument;
  help: string;
  /** Its default is the problem's (mollifier/training/job.ts jobDefaults); the CLI's help prints them. */
  perProblem?: true;
}

const row = <S extends z.ZodType>(r: OptionRow<S>): OptionRow<S> => r;
const choice = <T extends string>(values: readonly [T, ...T[]]) => ({ choices: values }) as const;
const models = ['pinn', 'piratenet', 'pinnsformer', 'none'] as const;
const methods = ['mollifier', 'autodiff'] as const;
const families = ['bump', 'poly2', 'poly4', 'sine', 'fd'] as const;
const boundaries = ['valid', 'reflect', 'periodic'] as const;
const presets = ['cpu', 'paper'] as const;
const estimates = ['separable', 'direct'] as const;

/**
 * THE table of `mollifier train` options: the wire schema below, the train command's options and the job's
 * configuration (worker/job-config.ts) all derive from it; test/job-options.test.ts checks they agree with the
 * science library's names, enums and defaults. A default here is applied once, by this schema.
 */
export const trainOptionTable = {
  pde: row({ schema: z.string().regex(problemNamePattern, `a problem name is ${problemNameRule}`), placeholder: '<name>', argument: 'text', help: `the problem: ${builtinProblemNames.join(', ')}, or one of your own loaded with --problems DIR` }),
  model: row({ schema: z.enum(models).default('pinn'), placeholder: '<name>', argument: choice(models), help: "base architecture, or 'none': no network, the separable estimate on the observed data (spline-filled where sparse)" }),
  derivatives: row({ schema: z.enum(methods).default('mollifier'), placeholder: '<method>', argument: choice(methods), help: 'PDE derivatives by the mollifier layer or by nested autodiff' }),
  family: row({ schema: z.enum(families).default('bump'), placeholder: '<name>', argument: choice(families), help: "kernel family ('fd' = raw finite differences)" }),
  radius: row({ schema: z.union([positiveInt, z.literal('auto')], { error: "must be an integer > 0 or 'auto'" }).default(4), placeholder: '<cells>', argument: 'integer-or-auto', help: "kernel radius in grid cells, or 'auto': chosen from the observed data (Lepski's principle; needs sample 1)" }),
  boundary: row({ schema: z.enum(boundaries).optional(), placeholder: '<mode>', argument: choice(boundaries), help: 'kernel boundary (default periodic on periodic data, else valid)' }),
  case: row({ schema: text.optional(), placeholder: '<name>', argument: 'text', help: 'parameter case of the simulated data', perProblem: true }),
  noise: row({ schema: nonnegative().optional(), placeholder: '<sigma>', argument: 'number', help: 'noise level of the case (built-in: langevin white/varying-noisy, heat noisy)' }),
  'obs-noise': row({ schema: nonnegative().default(0), placeholder: '<sigma>', argument: 'number', help: 'measurement noise on the observed field, relative to its std' }),
  grid: row({ schema: positiveInt.optional(), placeholder: '<n>', argument: 'integer', help: 'nodes (langevin, decay) or nodes per axis (heat, rd)', perProblem: true }),
  k: row({ schema: positive().optional(), placeholder: '<value>', argument: 'number', help: 'rd: k of the constant case, the scale of the others' }),
  'interface-length': row({ schema: positive().optional(), placeholder: '<l>', argument: 'number', help: 'rd: interface length l of the data and the residual (default 0.03, or as the data were simulated)' }),
  sample: row({ schema: fraction.default(0.1), placeholder: '<fraction>', argument: 'number', help: 'fraction of nodes observed, in (0, 1] (a forward problem, decay: its initial condition only)' }),
  epochs: row({ schema: positiveInt.optional(), placeholder: '<n>', argument: 'integer', help: 'training steps', perProblem: true }),
  lr: row({ schema: positive().default(1e-3), placeholder: '<value>', argument: 'number', help: 'initial learning rate' }),
  seed: row({ schema: z.number().int('must be an integer ≥ 0').nonnegative('must be an integer ≥ 0').default(0), placeholder: '<s>', argument: 'integer', help: 'seed of data, sampling and initialisation' }),
  preset: row({ schema: z.enum(presets).default('cpu'), placeholder: '<name>', argument: choice(presets), help: 'model size preset' }),
  estimate: row({ schema: z.enum(estimates).optional(), placeholder: '<kind>', argument: choice(estimates), help: 'the estimate scored by the metrics (default separable where the problem has one, else direct: the parameter head)' }),
  'pde-warmup': row({ schema: z.number().min(0, 'must be in [0, 1)').lt(1, 'must be in [0, 1)').optional(), placeholder: '<fraction>', argument: 'number', help: 'fraction of the epochs over which the PDE weight ramps in, in [0, 1)', perProblem: true }),
  'fourier-band': row({ schema: z.tuple([z.number().positive(), z.number().positive()]).optional(), placeholder: '<min,max>', argument: 'band', help: 'pinn: Fourier frequencies on [-1, 1] coordinates, in units of π', perProblem: true }),
  'fourier-count': row({ schema: positiveInt.optional(), placeholder: '<n>', argument: 'integer', help: 'pinn: Fourier frequencies per coordinate', perProblem: true }),
  'collocation-batch': row({ schema: positiveInt.optional(), placeholder: '<n>', argument: 'integer', help: 'autodiff: collocation nodes per step', perProblem: true }),
  'param-field': row({ schema: text.optional(), placeholder: '<file>', argument: 'text', help: 'CSV of the true parameter per node: simulate data with it' }),
  data: row({ schema: text.optional(), placeholder: '<dir>', argument: 'text', help: 'train on a problem instance directory instead of simulating' }),
  'phi-n': row({ schema: text.optional(), placeholder: '<file>', argument: 'text', help: 'rd: COMSOL export of φ_n to train on' }),
  'phi-d': row({ schema: text.optional(), placeholder: '<file>', argument: 'text', help: 'rd: COMSOL export of φ_d to train on' }),
  truth: row({ schema: text.optional(), placeholder: '<file>', argument: 'text', help: 'with --phi-n/--phi-d: COMSOL export of the true parameter, to score against' }),
};

export type TrainOptionName = keyof typeof trainOptionTable;
type SchemaShape<T extends Record<string, OptionRow>> = { [K in keyof T]: T[K]['schema'] };

function shapeOf<T extends Record<string, OptionRow>>(table: T): SchemaShape<T> {
  return Object.fromEntries(Object.entries(table).map(([name, r]) => [name, r.schema])) as SchemaShape<T>;
}

/** The options of `mollifier train` that a job may set (kebab-case, as on the command line). */
export const trainOptionsSchema = z.strictObject({
  kind: z.literal('train').default('train'),
  ...shapeOf(trainOptionTable),
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
  /** Its reported loss is this over the step: a worse-training job for the early-stop tests. */
  'loss-scale': z.number().positive().default(1),
  /** Nodes per axis of a made-up n×n artifact the job sends with its result (0: none): store and report benchmarks. */
  'artifact-grid': z.number().int().nonnegative().max(1024).default(0),
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
export const jobFileOptions = ['param-field', 'data', 'phi-n', 'phi-d', 'truth'] as const;
export type JobFileOption = (typeof jobFileOptions)[number];

/** The files a job's result depends on, by role: its file options, and a user's problem module (`problem`). */
export const jobInputNames = [...jobFileOptions, 'problem'] as const;
export type JobInputName = (typeof jobInputNames)[number];

/**
 * The training code's defaults per problem, as a digest (mollifier/training/defaults.ts computes it). Part of every
 * train job's id, so a changed default makes new jobs instead of reusing results trained under the old one.
 * test/job-identity.test.ts fails until these equal the code's: paste the digests it prints.
 */
export const trainingDefaultsDigests = {
  langevin: '9ecc633e0c6f0c68',
  heat: '50571ba11c0a5544',
  rd: '5e1d5d3633dafb74',
  decay: '1b911ae63005db57',
  /** The defaults every problem shares: a user's problem's jobs carry this, and their module's digest among the inputs. */
  shared: '03c7bb71c1c85416',
} as const satisfies Record<(typeof builtinProblemNames)[number] | 'shared', string>;

/** Every option name a job may carry, for error messages and docs. */
export const jobOptionNames: readonly string[] = [...new Set([...Object.keys(trainOptionsSchema.shape), ...Object.keys(noopOptionsSchema.shape)])];
