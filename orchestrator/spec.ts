// A sweep spec (YAML): name, seeds, base options, and the configurations: a matrix whose cartesian product makes
// them, with include/exclude lists as in CI matrices (method: grid), or `count` draws from per-option distributions
// (method: random, orchestrator/random-search.ts). Every problem is reported with its path and file position.
import { InputError } from '../protocol/errors.js';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, type Node } from 'yaml';
import { z } from 'zod';
import { fingerprintPath, isBuiltinProblem, jobFileOptions, jobOptionNames, knownProblemsText, limits, noopOptionsSchema, trainingDefaultsDigests, trainOptionsSchema, type JobOptions, type ProblemModule } from '../protocol/index.js';
import { canonicalJson, groupIdOf, jobIdOf } from './canonical.js';
import { earlyStopRuleOf, earlyStopSchema, type EarlyStopRule } from './early-stop.js';
import { drawConfigurations, fractionalSample, parameterSchema, searchSeedMax, type Parameter } from './random-search.js';

export interface SpecProblem {
  path: string;
  message: string;
  /** 1-based line and column in the spec file, where known. */
  line?: number;
  column?: number;
}

export class SpecError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: SpecProblem[],
  ) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}:${p.column}` : ''}: ${p.path || '(spec)'}: ${p.message}`).join('\n'));
    this.name = 'SpecError';
  }
}

type OptionSet = Record<string, unknown>;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const optionValue = z.union([scalar, z.array(z.number())]);
const optionSet = z.record(z.string(), optionValue);

const specSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a sweep name is 1-64 letters, digits, _ or -'),
  description: z.string().optional(),
  /** Wall-clock limit of each job (as in GitHub Actions): a job still running then is stopped and recorded failed. */
  /** Keep each train job's final weights with its artifact (tfjs format; `sweep weights` writes them out). */
  'keep-weights': z.boolean().optional(),
  'timeout-minutes': z.number().positive().max(limits.timeoutMinutes, `at most ${limits.timeoutMinutes} minutes (14 days)`).optional(),
  seeds: z
    .union([z.number().int().min(1).max(limits.seedsPerSweep), z.array(z.number().int().nonnegative()).min(1)])
    .default(5)
    .refine((seeds) => typeof seeds === 'number' || seeds.length <= limits.seedsPerSweep, `at most ${limits.seedsPerSweep} seeds`),
  base: optionSet.default({}),
  /** grid: the matrix's cartesian product; random: `count` configurations drawn from `parameters`. */
  method: z.enum(['grid', 'random']).default('grid'),
  count: z.number().int('count is an integer').min(1, 'count is at least 1').max(limits.jobsPerSweep, `at most ${limits.jobsPerSweep.toLocaleString('en-US')} configurations`).optional(),
  'search-seed': z.number().int('search-seed is an integer ≥ 0').min(0, 'search-seed is an integer ≥ 0').max(searchSeedMax, `search-seed is at most ${searchSeedMax} (32 bits)`).optional(),
  parameters: z.record(z.string(), parameterSchema(optionValue)).optional(),
  /** The median-stopping rule (orchestrator/early-stop.ts), for the sweep runner to apply. */
  'early-stop': earlyStopSchema.optional(),
  /**
   * Options that go with the seeds rather than across them: the seed at position i of the list takes entry
   * i mod n (Table 2's "run i at parameter level i mod 3"). The runs of a configuration stay one group.
   */
  cycle: z.array(optionSet).min(1, 'a cycle needs at least one entry').max(limits.seedsPerSweep).optional(),
  matrix: z
    .object({
      include: z.array(optionSet).optional(),
      exclude: z.array(optionSet).optional(),
    })
    .catchall(z.array(optionValue).min(1, 'a matrix list needs at least one value'))
    .default({}),
});

export interface PlannedSweepJob {
  id: string;
  group: string;
  /** Position in the expanded grid or in draw order (stable order). */
  index: number;
  options: JobOptions;
  /** sha256 of each file option's contents (protocol/fingerprint.ts); part of the id, checked by the worker. */
  inputs?: Record<string, string>;
}

export interface ParseSpecOptions {
  /**
   * The fingerprint of a file option's path (default: protocol/fingerprint.ts on this machine, relative paths from
   * the working folder): the orchestrator must see the files its jobs read, to know when they change.
   */
  fingerprint?: (path: string) => string;
  /** The training defaults' digests (default protocol/job-options.ts); tests pass others to see ids move. */
  defaultsDigests?: Readonly<Record<string, string>>;
  /** Problems of the operator's own (`--problems DIR`, protocol/problem-modules.ts): a job may name them. */
  problems?: readonly ProblemModule[];
}

export interface SweepSpec {
  name: string;
  description?: string;
  /** Per-job wall-clock limit in minutes; none when absent. */
  timeoutMinutes?: number;
  keepWeights?: boolean;
  seeds: number[];
  /** Stop jobs whose loss falls behind the others' (orchestrator/early-stop.ts); none when absent. */
  earlyStop?: EarlyStopRule;
  jobs: PlannedSweepJob[];
}

function cartesian(matrix: Record<string, unknown[]>): OptionSet[] {
  let combos: OptionSet[] = [{}];
  for (const [key, values] of Object.entries(matrix)) combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  return combos;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const matchesAll = (combo: OptionSet, pattern: OptionSet) => Object.entries(pattern).every(([k, v]) => sameValue(combo[k], v));

/**
 * GitHub-Actions semantics: an include entry extends every combination it matches on the matrix's own keys
 * (adding keys, never overwriting a matrix value); one that matches none is a combination of its own.
 */
function applyInclude(combos: OptionSet[], include: OptionSet[], matrixKeys: string[]): OptionSet[] {
  const out = combos.map((c) => ({ ...c }));
  const originals = out.length;
  for (const entry of include) {
    const own = Object.fromEntries(Object.entries(entry).filter(([k]) => matrixKeys.includes(k)));
    let extended = false;
    for (let i = 0; i < originals; i++) {
      if (!matchesAll(out[i]!, own)) continue;
      out[i] = { ...entry, ...out[i], ...Object.fromEntries(Object.entries(entry).filter(([k]) => !matrixKeys.includes(k))) };
      extended = true;
    }
    if (!extended) out.push({ ...entry });
  }
  return out;
}

function positionOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: Array<string | number>): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    const offset = node && typeof node === 'object' && 'range' in node ? node.range?.[0] : undefined;
    if (offset !== undefined) {
      const { line, col } = counter.linePos(offset);
      return { line, column: col };
    }
  }
  return {};
}

const formatPath = (path: ReadonlyArray<PropertyKey>) =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');

const shapeOf = (kind: unknown) => (kind === 'noop' ? noopOptionsSchema : trainOptionsSchema).shape as Record<string, z.ZodType>;

/** Whether a job of this kind has the option at all. */
function checkOptionName(key: string, kind: unknown): string | undefined {
  if (key in shapeOf(kind)) return undefined;
  return jobOptionNames.includes(key)
    ? `option '${key}' does not apply to ${kind === 'noop' ? 'noop' : 'train'} jobs`
    : `unknown option '${key}' (options are those of mollifier train: ${jobOptionNames.join(', ')})`;
}

/** Check one option's name and value on its own, so the error points at where it was written. */
function checkOption(key: string, value: unknown, kind: unknown): string | undefined {
  const unknown = checkOptionName(key, kind);
  if (unknown) return unknown;
  const checked = shapeOf(kind)[key]!.safeParse(value);
  return checked.success ? undefined : checked.error.issues.map((i) => i.message).join('; ');
}

export function parseSpec(text: string, file = 'spec', parseOptions: ParseSpecOptions = {}): SweepSpec {
  const fingerprint = parseOptions.fingerprint ?? fingerprintPath;
  const fingerprints = new Map<string, string | Error>();
  const fingerprintOf = (path: string): string | Error => {
    if (!fingerprints.has(path)) {
      try {
        fingerprints.set(path, fingerprint(path));
      } catch (error) {
        fingerprints.set(path, error as Error);
      }
    }
    return fingerprints.get(path)!;
  };
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SpecError(
      file,
      doc.errors.map((e) => {
        const { line, col } = counter.linePos(e.pos[0]);
        return { path: '', message: e.message.split('\n')[0]!, line, column: col };
      }),
    );
  }
  const at = (path: Array<string | number>, message: string): SpecProblem => ({ path: formatPath(path), message, ...positionOf(doc, counter, path) });
  let raw: unknown;
  try {
    // yaml refuses alias expansion past its alias-count limit (a "billion laughs" file): one line, not a crash.
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SpecError(file, [{ path: '', message: `cannot expand the YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  if (!isMap(doc.contents)) throw new SpecError(file, [at([], 'a spec is a mapping with name, seeds, base and matrix')]);
  const parsed = specSchema.safeParse(raw);
  if (!parsed.success) throw new SpecError(file, parsed.error.issues.map((i) => at(i.path as Array<string | number>, i.message)));
  const spec = parsed.data;
  const problems: SpecProblem[] = [];
  const parameters: Record<string, Parameter> = spec.parameters ?? {};
  if (spec.method === 'random') {
    if ('matrix' in (raw as object)) problems.push(at(['matrix'], "method: random draws its configurations from 'parameters'; a matrix is for method: grid"));
    if (spec.count === undefined) problems.push(at(['method'], `method: random needs 'count', the configurations to draw (1 to ${limits.jobsPerSweep.toLocaleString('en-US')})`));
    if (!Object.keys(parameters).length) problems.push(at(spec.parameters ? ['parameters'] : ['method'], "method: random needs 'parameters': at least one option with its distribution"));
  } else {
    for (const key of ['parameters', 'count', 'search-seed'] as const) {
      if (spec[key] !== undefined) problems.push(at([key], `'${key}' is for method: random (add 'method: random'${key === 'parameters' ? ', or list the values in a matrix' : ''})`));
    }
  }
  // Job outcomes that crash a thread or SIGKILL a worker exist for tests of those paths (test builds set
  // MOLLIFIER_TEST_JOBS=1); a spec elsewhere cannot ask for them, and workers refuse them too (worker/job-thread.ts).
  if (process.env.MOLLIFIER_TEST_JOBS !== '1') {
    const testOnly = (value: unknown) => value === 'crash' || value === 'kill-process';
    const outcomes: Array<[Array<string | number>, unknown]> = [[['base', 'outcome'], (spec.base as Record<string, unknown>).outcome]];
    const matrix = spec.matrix as Record<string, unknown>;
    if (Array.isArray(matrix.outcome)) matrix.outcome.forEach((v, i) => outcomes.push([['matrix', 'outcome', i], v]));
    const drawn = parameters.outcome;
    if (drawn?.distribution === 'choice') drawn.values.forEach((v, i) => outcomes.push([['parameters', 'outcome', 'values', i], v]));
    for (const key of ['include', 'exclude'] as const) {
      if (Array.isArray(matrix[key])) (matrix[key] as Array<Record<string, unknown>>).forEach((set, i) => outcomes.push([['matrix', key, i, 'outcome'], set?.outcome]));
    }
    for (const [path, value] of outcomes) if (testOnly(value)) problems.push(at(path, `outcome '${String(value)}' is for tests only (set MOLLIFIER_TEST_JOBS=1 where tests run)`));
  }

  const { include = [], exclude = [], ...lists } = spec.matrix as { include?: OptionSet[]; exclude?: OptionSet[] } & Record<string, unknown[]>;
  const baseKind = spec.base.kind;
  for (const [key, value] of Object.entries(spec.base)) {
    const problem = checkOption(key, value, baseKind);
    if (problem) problems.push(at(['base', key], problem));
  }
  for (const [key, values] of Object.entries(lists)) {
    values.forEach((value, i) => {
      const problem = checkOption(key, value, baseKind);
      if (problem) problems.push(at(['matrix', key, i], problem));
    });
  }
  // A drawn value is checked as a grid's listed one: a choice's values each; a range by its bounds (the options'
  // rules are ranges), and by a fraction inside it, which an integer option refuses.
  for (const [key, parameter] of Object.entries(parameters)) {
    const unknown = key === 'seed' ? "seeds are set by the top-level 'seeds', not drawn" : checkOptionName(key, baseKind);
    if (unknown) {
      problems.push(at(['parameters', key], unknown));
      continue;
    }
    const values: Array<[Array<string | number>, unknown]> =
      parameter.distribution === 'choice' ? parameter.values.map((v, i) => [['parameters', key, 'values', i], v]) : [[['parameters', key, 'min'], parameter.min], [['parameters', key, 'max'], parameter.max]];
    const found = values.map(([path, value]) => [path, checkOption(key, value, baseKind)] as const).filter(([, problem]) => problem);
    for (const [path, problem] of found) problems.push(at(path, problem!));
    const fraction = fractionalSample(parameter);
    const fractionProblem = !found.length && fraction !== undefined ? checkOption(key, fraction, baseKind) : undefined;
    if (fractionProblem) problems.push(at(['parameters', key, 'distribution'], `${key} ${fraction} is refused (${fractionProblem}): a ${parameter.distribution} draws fractions; use distribution: int`));
  }
  for (const [name, entries] of [['include', include], ['exclude', exclude]] as const) {
    entries.forEach((entry, i) => {
      for (const [key, value] of Object.entries(entry)) {
        const problem = checkOption(key, value, entry.kind ?? baseKind);
        if (problem) problems.push(at(['matrix', name, i, key], problem));
      }
    });
  }
  const cycle = spec.cycle ?? [{}];
  const cycleKeys = [...new Set(cycle.flatMap((entry) => Object.keys(entry)))];
  cycle.forEach((entry, i) => {
    for (const [key, value] of Object.entries(entry)) {
      const problem =
        key === 'seed' ? "seeds are set by the top-level 'seeds'" : key in lists ? `${key} is also a matrix list: give it in one place` : key in parameters ? `${key} is also a drawn parameter: give it in one place` : checkOption(key, value, baseKind);
      if (problem) problems.push(at(['cycle', i, key], problem));
    }
  });
  if ('seed' in spec.base || 'seed' in lists) problems.push(at(['seed' in spec.base ? 'base' : 'matrix', 'seed'], "seeds are set by the top-level 'seeds' (a count or a list), not as an option"));
  if (problems.length) throw new SpecError(file, problems);

  const seeds = typeof spec.seeds === 'number' ? Array.from({ length: spec.seeds }, (_, i) => i) : [...new Set(spec.seeds)];
  const matrixKeys = Object.keys(lists);
  // The size is known before anything is built: refuse a matrix past the limit from its list lengths alone.
  const count = (n: number) => n.toLocaleString('en-US');
  const random = spec.method === 'random';
  const combinations = random ? spec.count! : Object.values(lists).reduce((n, values) => n * values.length, 1) + include.length;
  if (combinations * seeds.length > limits.jobsPerSweep) {
    throw new SpecError(file, [at([random ? 'count' : 'matrix'], `${count(combinations)} ${random ? 'configurations' : 'combinations'} × ${count(seeds.length)} seeds = ${count(combinations * seeds.length)} jobs; a sweep holds at most ${count(limits.jobsPerSweep)} (split it into several sweeps)`)]);
  }
  // Equal draws (a choice or int draws a configuration again) are one configuration: one group, its seeds once.
  const distinct = (all: OptionSet[]) => [...new Map(all.map((combo) => [canonicalJson(combo), combo])).values()];
  const combos = random
    ? distinct(drawConfigurations(parameters, spec.count!, spec['search-seed'] ?? 0))
    : applyInclude(cartesian(lists), include, matrixKeys).filter((combo) => !exclude.some((pattern) => matchesAll(combo, pattern)));
  if (combos.length === 0) throw new SpecError(file, [at(['matrix'], 'the matrix is empty: every combination is excluded')]);
  const jobs: PlannedSweepJob[] = [];
  const ids = new Set<string>();
  const unreadable = new Set<string>();
  const unknownProblems = new Set<string>();
  combos.forEach((combo, c) => {
    for (const [position, seed] of seeds.entries()) {
      const merged: OptionSet = { ...spec.base, ...combo, ...cycle[position % cycle.length], seed };
      // The union's own error says only "invalid input": check against the schema the kind picks.
      const checked = (merged.kind === 'noop' ? noopOptionsSchema : trainOptionsSchema).safeParse(merged);
      if (!checked.success) {
        const described = Object.entries(combo).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') || 'base options';
        for (const issue of checked.error.issues) {
          const missing = issue.path.length === 1 && !(String(issue.path[0]) in merged);
          problems.push({ path: `job ${c + 1} (${described})${issue.path.length ? `.${formatPath(issue.path)}` : ''}`, message: missing ? `required option missing (set it in base or the matrix): ${issue.message}` : issue.message });
        }
        return;
      }
      const options = checked.data;
      const inputs: Record<string, string> = {};
      if (options.kind === 'train' && !isBuiltinProblem(options.pde)) {
        const own = parseOptions.problems?.find((m) => m.name === options.pde);
        if (!own) {
          if (!unknownProblems.has(options.pde)) problems.push({ path: `job ${c + 1}.pde`, message: `'${options.pde}' is not a problem: expected ${knownProblemsText(parseOptions.problems ?? [])}` });
          unknownProblems.add(options.pde);
          return;
        }
        // The module's bytes decide the job's result (its residual, defaults, simulator): part of its id.
        inputs.problem = own.digest;
      }
      if (options.kind === 'train') {
        for (const name of jobFileOptions) {
          const path = options[name];
          if (path === undefined) continue;
          const digest = fingerprintOf(path);
          if (digest instanceof Error) {
            if (unreadable.has(path)) return;
            unreadable.add(path);
            const reason = (digest as NodeJS.ErrnoException).code ?? digest.message;
            problems.push({ path: `job ${c + 1}.${name}`, message: `cannot read ${path} to fingerprint it (${reason}): the orchestrator must see the files its jobs read` });
            return;
          }
          inputs[name] = digest;
        }
      }
      // A user's problem keeps its own defaults in its module, whose digest is among the inputs.
      const context = options.kind === 'train' ? { defaults: (parseOptions.defaultsDigests ?? trainingDefaultsDigests)[isBuiltinProblem(options.pde) ? options.pde : 'shared'], inputs } : {};
      const id = jobIdOf(options, context);
      if (ids.has(id)) continue; // an include that repeats a combination: one job
      ids.add(id);
      jobs.push({ id, group: groupIdOf(options, context, cycleKeys), index: jobs.length, options, ...(Object.keys(inputs).length ? { inputs } : {}) });
    }
  });
  if (problems.length) throw new SpecError(file, problems);
  return {
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec['timeout-minutes'] !== undefined ? { timeoutMinutes: spec['timeout-minutes'] } : {}),
    ...(spec['keep-weights'] ? { keepWeights: true } : {}),
    seeds,
    ...(spec['early-stop'] ? { earlyStop: earlyStopRuleOf(spec['early-stop']) } : {}),
    jobs,
  };
}

export function readSpec(path: string, parseOptions: ParseSpecOptions = {}): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpecError(path, [{ path: '', message: `cannot read the spec: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  return parseSpec(text, path, parseOptions);
}
